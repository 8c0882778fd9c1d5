// zod schemas for the /__sim/ control routes; each is checked against its TypeScript type.

import { z } from 'zod';
import type { WebSearchConfig } from './web-search-config.js';
import type { AddAccountOptions, SimAccountPatch } from './sim-account.js';
import type { ScriptMatch, SimScript } from './script-types.js';
import type { SimErrorPreset, SimHttpError } from './upstream-errors.js';
import { SIM_ERROR_PRESET_NAMES } from './upstream-errors.js';

const httpErrorSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
}) satisfies z.ZodType<SimHttpError>;

const presetSchema = z.enum(SIM_ERROR_PRESET_NAMES as [SimErrorPreset, ...SimErrorPreset[]]);
const textOrChunks = z.union([z.string(), z.array(z.string())]);
const nonNegative = z.number().int().min(0);

const stepSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: textOrChunks }),
  z.strictObject({ type: z.literal('thinking'), text: textOrChunks }),
  z.strictObject({
    type: z.literal('toolUse'),
    name: z.string().min(1),
    input: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    toolUseId: z.string().min(1).optional(),
    fragments: z.union([z.number().int().positive(), z.array(z.string())]).optional(),
    truncateAtBytes: nonNegative.optional(),
    stop: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('metering'), usage: z.number().min(0).optional() }),
  z.strictObject({ type: z.literal('contextUsage'), percentage: z.number().min(0).optional() }),
  z.strictObject({ type: z.literal('event'), eventType: z.string().min(1), payload: z.unknown() }),
  z.strictObject({
    type: z.literal('exception'),
    exceptionType: z.string().min(1),
    message: z.string().optional(),
    reason: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('error'), errorCode: z.string().min(1), message: z.string().optional() }),
  z.strictObject({ type: z.literal('delay'), ms: nonNegative }),
  z.strictObject({ type: z.literal('badCrc'), part: z.enum(['message', 'prelude']).optional() }),
  z.strictObject({ type: z.literal('duplicate'), count: z.number().int().positive().optional() }),
  z.strictObject({
    type: z.literal('truncate'),
    keepBytes: nonNegative.optional(),
    close: z.enum(['end', 'destroy']).optional(),
  }),
  z.strictObject({ type: z.literal('hang') }),
  z.strictObject({ type: z.literal('raw'), base64: z.string() }),
]);

const splitSchema = z.union([z.enum(['none', 'every-byte', 'random']), z.array(z.number().int().positive())]);

export const scriptSchema = z.strictObject({
  httpError: z.union([httpErrorSchema, presetSchema]).optional(),
  steps: z.array(stepSchema).optional(),
  autoTail: z.boolean().optional(),
  split: splitSchema.optional(),
  chunkDelayMs: nonNegative.optional(),
});

export const scriptMatchSchema = z.strictObject({
  accountId: z.string().min(1).optional(),
  messageIncludes: z.string().optional(),
  times: z.union([z.number().int().positive(), z.literal('forever')]).optional(),
}) satisfies z.ZodType<ScriptMatch>;

export const enqueueScriptSchema = z.strictObject({
  script: scriptSchema,
  match: scriptMatchSchema.optional(),
});

const tierSchema = z.enum(['FREE', 'PRO', 'PRO_PLUS', 'POWER']);
const throttleSchema = z.strictObject({
  message: z.string().optional(),
  reason: z.string().nullable().optional(),
  retryAfterSeconds: nonNegative.optional(),
  durationSeconds: z.number().positive().optional(),
});
const freeTrialSchema = z.strictObject({
  status: z.enum(['ACTIVE', 'EXPIRED']).optional(),
  usageLimit: z.number().min(0),
  currentUsage: z.number().min(0).optional(),
  expiresAt: z.number().optional(),
});
const bonusSchema = z.strictObject({
  bonusCode: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  status: z.enum(['ACTIVE', 'EXHAUSTED', 'EXPIRED']).optional(),
  usageLimit: z.number().min(0),
  currentUsage: z.number().min(0).optional(),
  expiresAt: z.number().optional(),
  redeemedAt: z.number().optional(),
});

const modelChoiceSchema = z.union([
  z.string().min(1),
  z.strictObject({
    modelId: z.string().min(1),
    modelName: z.string(),
    description: z.string().optional(),
    rateMultiplier: z.number().min(0),
    maxInputTokens: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive().optional(),
  }),
]);

const accountFields = {
  tier: tierSchema.optional(),
  email: z.string().optional(),
  profileArn: z.string().nullable().optional(),
  expiresInSeconds: z.number().int().positive().optional(),
  rotateSocialRefreshTokens: z.boolean().optional(),
  usageLimit: z.number().min(0).optional(),
  currentUsage: z.number().min(0).optional(),
  bonuses: z.array(bonusSchema).optional(),
  suspended: z.boolean().optional(),
  revoked: z.boolean().optional(),
  throttled: throttleSchema.nullable().optional(),
  quotaExhausted: z.boolean().optional(),
  clientExpired: z.boolean().optional(),
  refreshFault: httpErrorSchema.nullable().optional(),
  models: z.array(modelChoiceSchema).nullable().optional(),
};

export const addAccountSchema = z.strictObject({
  ...accountFields,
  id: z.string().min(1).optional(),
  authMethod: z.enum(['social', 'idc', 'api_key']),
  freeTrial: freeTrialSchema.optional(),
  refreshToken: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  issueAccessToken: z.boolean().optional(),
}) satisfies z.ZodType<AddAccountOptions>;

export const accountPatchSchema = z.strictObject({
  ...accountFields,
  freeTrial: freeTrialSchema.nullable().optional(),
  invalidateAccessTokens: z.boolean().optional(),
  expireAccessTokens: z.boolean().optional(),
}) satisfies z.ZodType<SimAccountPatch>;

export const webSearchSchema = z.strictObject({
  results: z
    .array(
      z.strictObject({
        title: z.string(),
        url: z.url(),
        snippet: z.string(),
        publishedDate: z.number().optional(),
        id: z.string().optional(),
        domain: z.string().optional(),
      }),
    )
    .optional(),
  error: z
    .strictObject({
      code: z.number().int(),
      message: z.string(),
      data: z.unknown().optional(),
      accountId: z.string().optional(),
    })
    .optional(),
}) satisfies z.ZodType<WebSearchConfig>;

export const clockSchema = z.strictObject({ advanceMs: z.number() });

// Compile-time check: what the schema accepts is a SimScript.
const _scriptTypeCheck = (value: z.output<typeof scriptSchema>): SimScript => value;
void _scriptTypeCheck;
