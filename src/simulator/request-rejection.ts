import type { ErrorNamespace, SimHttpError } from './upstream-errors.js';
import { improperlyFormed, requestBodyInvalid } from './upstream-errors.js';

/** Thrown inside the validators; the entry point turns it into the HTTP answer. */
export class RequestRejection extends Error {
  constructor(
    /** A short label of the rule that failed, for logs and stats. */
    readonly rule: string,
    readonly answer: SimHttpError,
  ) {
    super(rule);
    this.name = 'RequestRejection';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 400 `Improperly formed request.` for `rule`. */
export function reject(rule: string): never {
  throw new RequestRejection(rule, improperlyFormed());
}

/** Unknown members are a deserialisation failure: 400 REQUEST_BODY_INVALID. */
export function checkKnownKeys(
  value: JsonObject,
  allowed: ReadonlySet<string>,
  where: string,
  namespace: ErrorNamespace,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key))
      throw new RequestRejection(`unknown-field:${where}.${key}`, requestBodyInvalid(namespace));
  }
}

export function requireObject(value: unknown, rule: string): JsonObject {
  if (!isObject(value)) reject(rule);
  return value;
}

/** Absent is fine; present must be a string (null counts as malformed). */
export function optionalString(object: JsonObject, key: string, rule: string): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') reject(rule);
  return value;
}

/** Absent is fine; present must be a non-empty array (§3.4 rule 6: empty arrays are rejected). */
export function optionalArray(object: JsonObject, key: string, rule: string): unknown[] | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) reject(rule);
  const items = value as unknown[];
  if (items.length === 0) reject(`empty-array:${key}`);
  return items;
}
