// config.json: every kiro.rs field (protocol §6.6) plus kirogate's own. Unknown keys are accepted
// (and logged), so a kiro.rs file always loads unchanged.
import { z } from 'zod';
import type { LoadBalancingMode } from '../credentials/select-credential.js';
import { LOAD_BALANCING_MODES } from '../credentials/select-credential.js';

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);
const httpUrl = z.string().regex(/^https?:\/\//, 'must start with http:// or https://');

/** `priority`, `balanced`, …; `auto` is seed-bridge's name for `quota`; `sticky` or `sticky+<mode>` adds session affinity. */
export const loadBalancingModeSchema = z.string().transform((value, context) => {
  const parts = value.toLowerCase().split('+');
  const sticky = parts.includes('sticky');
  const rest = parts.filter((part) => part !== 'sticky').map((part) => (part === 'auto' ? 'quota' : part));
  const mode = rest[0] ?? 'balanced';
  if (rest.length > 1 || !(LOAD_BALANCING_MODES as readonly string[]).includes(mode)) {
    context.addIssue({
      code: 'custom',
      message: `must be one of ${LOAD_BALANCING_MODES.join(', ')}, auto or sticky, optionally "sticky+<mode>"`,
    });
    return z.NEVER;
  }
  return { mode: mode as LoadBalancingMode, sticky };
});

export const configSchema = z.looseObject({
  // kiro.rs fields
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8080),
  apiKey: z.string().min(1).optional(),
  region: z.string().min(1).default('us-east-1'),
  authRegion: z.string().min(1).optional(),
  apiRegion: z.string().min(1).optional(),
  kiroVersion: z.string().min(1).default('0.11.107'),
  machineId: z.string().optional(),
  systemVersion: z.string().min(1).optional(),
  nodeVersion: z.string().min(1).default('22.22.0'),
  tlsBackend: z.enum(['rustls', 'native-tls']).default('rustls'),
  countTokensApiUrl: httpUrl.optional(),
  countTokensApiKey: z.string().optional(),
  countTokensAuthType: z.enum(['x-api-key', 'bearer']).default('x-api-key'),
  proxyUrl: z.string().optional(),
  proxyUsername: z.string().optional(),
  proxyPassword: z.string().optional(),
  adminApiKey: z.string().optional(),
  loadBalancingMode: loadBalancingModeSchema.default({ mode: 'priority', sticky: false }),
  extractThinking: z.boolean().default(true),
  defaultEndpoint: z.enum(['ide', 'runtime']).default('ide'),
  endpoints: z.record(z.string(), z.unknown()).default({}),

  // kirogate: upstream base URLs ({region} is substituted)
  apiBaseUrl: httpUrl.default('https://q.{region}.amazonaws.com'),
  runtimeBaseUrl: httpUrl.default('https://runtime.{region}.kiro.dev'),
  managementBaseUrl: httpUrl.default('https://management.{region}.kiro.dev'),
  authBaseUrl: httpUrl.default('https://prod.{region}.auth.desktop.kiro.dev'),
  oidcBaseUrl: httpUrl.default('https://oidc.{region}.amazonaws.com'),
  /** Extra PEM files trusted for upstream TLS (NODE_EXTRA_CA_CERTS also works). */
  caCertificates: z.array(z.string().min(1)).default([]),

  // kirogate: request handling
  /** Anthropic model name → Kiro model id. Keys may use `*` wildcards. */
  modelMapping: z.record(z.string(), z.string()).default({}),
  /** `on`: a model an account does not offer is served by the newest offered one of its family. */
  modelFallback: z.enum(['on', 'off']).default('on'),
  /** The last resort of the fallback (any name kirogate accepts, e.g. `sonnet`); unset: none. */
  defaultModel: z.string().min(1).optional(),
  /** Seconds before an account's ListAvailableModels list is fetched again; 0 = only when Kiro refuses a model. */
  modelListRefreshSeconds: nonNegativeInt.default(6 * 60 * 60),
  /** Largest client request body accepted, in bytes (413 above it). */
  maxRequestBodyBytes: positiveInt.default(32 * 1024 * 1024),
  /** Largest upstream body sent; Kiro answers 400 above ~629 600 bytes (§3.9). */
  maxUpstreamBodyBytes: positiveInt.default(600_000),
  /** What to do when the upstream body would be too large: trim oldest history, or answer prompt-too-long. */
  payloadGuard: z.enum(['trim', 'reject']).default('trim'),
  /** Tokens of Kiro's hidden system prompt, added to count_tokens and message_start (README). */
  kiroPromptTokens: nonNegativeInt.default(2000),
  /** Seconds between SSE pings while upstream is quiet. */
  pingIntervalSeconds: positiveInt.default(25),
  /** Seconds to wait for upstream response headers. */
  upstreamHeadersTimeoutSeconds: positiveInt.default(120),
  /** Seconds of upstream silence mid-stream before the request is failed. */
  upstreamIdleTimeoutSeconds: positiveInt.default(300),

  // kirogate: credential pool
  dataDir: z.string().min(1).default('./data'),
  /** Seconds an account rests after a 429 without Retry-After. */
  cooldownSeconds: positiveInt.default(300),
  maxAttemptsPerAccount: positiveInt.default(3),
  maxAttemptsPerRequest: positiveInt.default(9),
  /** When no account frees up within this many seconds, requests get a non-retryable 403. */
  maxRetryWaitSeconds: nonNegativeInt.default(60),
  /** Seconds between background usage-limit polls; 0 = only on demand. */
  usageRefreshIntervalSeconds: nonNegativeInt.default(0),
  /** Entries kept in the request log. */
  requestLogSize: positiveInt.default(1000),

  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ConfigFile = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

/** The kiro.rs and kirogate keys; anything else in config.json is reported as unknown. */
export const KNOWN_CONFIG_KEYS = new Set(Object.keys(configSchema.shape));
