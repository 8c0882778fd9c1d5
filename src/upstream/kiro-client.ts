import { Readable } from 'node:stream';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { CredentialSpec } from './credential.js';
import type { IdGenerator } from '../shared/clock.js';
import type { HttpDispatchers } from './http-dispatchers.js';
import type { BearerAuth, ClientIdentity, Headers } from './kiro-headers.js';
import { chatHeaders, mcpHeaders, runtimeHeaders } from './kiro-headers.js';
import type { UpstreamUrlConfig } from './kiro-endpoints.js';
import {
  generateAssistantResponseUrl,
  listModelsUrl,
  listProfilesUrl,
  mcpUrl,
  usageLimitsUrl,
} from './kiro-endpoints.js';
import type { UpstreamOperation } from './upstream-error.js';
import { UpstreamHttpError, parseRetryAfter, toNetworkError } from './upstream-error.js';
import type { UsageLimitsResponse } from './usage-limits.js';
import { usageLimitsResponseSchema } from './usage-limits.js';

export interface KiroClientOptions {
  urls: UpstreamUrlConfig;
  identity: Omit<ClientIdentity, 'machineId'>;
  dispatchers: HttpDispatchers;
  newId: IdGenerator;
  now: () => number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Who is calling: the chosen credential and its current access token. */
export interface KiroCallContext {
  spec: CredentialSpec;
  accessToken: string;
  profileArn: string | undefined;
  signal?: AbortSignal;
}

/** A 200 generateAssistantResponse: the binary event stream, not yet decoded. */
export interface KiroStreamResponse {
  body: AsyncIterable<Uint8Array>;
  /** Releases the connection early (client went away). */
  destroy(): void;
}

const modelsResponseSchema = z.looseObject({
  models: z
    .array(
      z.looseObject({
        modelId: z.string(),
        modelName: z.string().nullish(),
        description: z.string().nullish(),
        rateMultiplier: z.number().nullish(),
        tokenLimits: z
          .looseObject({ maxInputTokens: z.number().nullish(), maxOutputTokens: z.number().nullish() })
          .nullish(),
      }),
    )
    .default([]),
});
export type KiroModelInfo = z.infer<typeof modelsResponseSchema>['models'][number];

const profilesResponseSchema = z.looseObject({
  profiles: z
    .array(
      z.looseObject({ arn: z.string(), profileName: z.string().nullish(), status: z.string().nullish() }),
    )
    .default([]),
});
export type KiroProfile = z.infer<typeof profilesResponseSchema>['profiles'][number];

interface SendOptions {
  operation: UpstreamOperation;
  method: 'GET' | 'POST';
  url: string;
  headers: Headers;
  body?: string | Readable;
  dispatcher: Dispatcher;
  signal?: AbortSignal;
}

/** The typed upstream API (protocol §1.1). One instance serves every credential. */
export class KiroClient {
  constructor(private options: KiroClientOptions) {}

  /** Applies new settings (hot reload); requests already under way finish with the old ones. */
  reconfigure(next: Partial<Omit<KiroClientOptions, 'newId' | 'now'>>): void {
    this.options = { ...this.options, ...next };
  }

  /** `body` is the serialised request without profileArn; the chosen credential's is spliced in (§3.6). */
  async generateAssistantResponse(context: KiroCallContext, body: string): Promise<KiroStreamResponse> {
    const payload = Buffer.from(
      context.profileArn
        ? `${body.slice(0, body.lastIndexOf('}'))},"profileArn":${JSON.stringify(context.profileArn)}}`
        : body,
    );
    const response = await this.send({
      operation: 'generateAssistantResponse',
      method: 'POST',
      url: generateAssistantResponseUrl(this.options.urls, context.spec),
      headers: {
        ...chatHeaders(this.identity(context.spec), auth(context), this.options.newId()),
        'content-length': String(payload.byteLength),
      },
      // A stream, not the Buffer: undici keeps the request body until the response ends, and a
      // Readable lets go of its bytes once sent (a 600 KB request over a minutes-long stream).
      body: Readable.from([payload], { objectMode: false }),
      dispatcher: this.dispatcherFor(context.spec),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return { body: response.body, destroy: () => response.body.destroy() };
  }

  async getUsageLimits(context: KiroCallContext): Promise<UsageLimitsResponse> {
    const json = await this.getJson(
      context,
      'getUsageLimits',
      usageLimitsUrl(this.options.urls, context.spec, context.profileArn),
    );
    return usageLimitsResponseSchema.parse(json);
  }

  async listAvailableModels(context: KiroCallContext): Promise<KiroModelInfo[]> {
    const json = await this.getJson(
      context,
      'listAvailableModels',
      listModelsUrl(this.options.urls, context.spec, context.profileArn),
    );
    return modelsResponseSchema.parse(json).models;
  }

  async listAvailableProfiles(context: KiroCallContext): Promise<KiroProfile[]> {
    const response = await this.send({
      operation: 'listAvailableProfiles',
      method: 'POST',
      url: listProfilesUrl(this.options.urls, context.spec),
      headers: {
        ...runtimeHeaders(this.identity(context.spec), auth(context), this.options.newId()),
        'content-type': 'application/json',
      },
      body: '{}',
      dispatcher: this.dispatcherFor(context.spec),
    });
    return profilesResponseSchema.parse(await response.body.json()).profiles;
  }

  /** JSON-RPC over POST /mcp (web search, §8.2). Returns the parsed JSON-RPC envelope. */
  async callMcp(context: KiroCallContext, rpc: unknown): Promise<unknown> {
    const response = await this.send({
      operation: 'mcp',
      method: 'POST',
      url: mcpUrl(this.options.urls, context.spec),
      headers: {
        ...mcpHeaders(this.identity(context.spec), auth(context), this.options.newId(), context.profileArn),
        'content-type': 'application/json',
      },
      body: JSON.stringify(rpc),
      dispatcher: this.dispatcherFor(context.spec),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return response.body.json();
  }

  identity(spec: CredentialSpec): ClientIdentity {
    return { ...this.options.identity, machineId: spec.machineId };
  }

  /** The keep-alive dispatcher for this credential's proxy setting. */
  dispatcherFor(spec: CredentialSpec): Dispatcher {
    return this.options.dispatchers.for(spec.proxy);
  }

  /** Sends one request; a non-2xx answer becomes UpstreamHttpError, a transport failure UpstreamNetworkError. */
  async send(options: SendOptions): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(options.url, {
        method: options.method,
        headers: options.headers,
        body: options.body ?? null,
        dispatcher: options.dispatcher,
        headersTimeout: this.options.headersTimeoutMs,
        bodyTimeout: this.options.idleTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw toNetworkError(options.operation, error);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    let text = '';
    try {
      text = await response.body.text();
    } catch {
      // The status alone still classifies the failure.
    }
    throw new UpstreamHttpError(
      options.operation,
      response.statusCode,
      text,
      parseRetryAfter(header(response.headers['retry-after']), this.options.now()),
      header(response.headers['x-amzn-errortype']),
    );
  }

  private async getJson(
    context: KiroCallContext,
    operation: UpstreamOperation,
    url: string,
  ): Promise<unknown> {
    const response = await this.send({
      operation,
      method: 'GET',
      url,
      headers: runtimeHeaders(this.identity(context.spec), auth(context), this.options.newId()),
      dispatcher: this.dispatcherFor(context.spec),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    try {
      return await response.body.json();
    } catch (error) {
      throw toNetworkError(operation, error);
    }
  }
}

function auth(context: KiroCallContext): BearerAuth {
  return { token: context.accessToken, isApiKey: context.spec.authMethod === 'api_key' };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
