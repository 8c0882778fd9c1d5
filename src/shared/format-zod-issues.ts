import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** `port`, `endpoints.ide`, `[1].clientSecret`, `modelMapping["claude-*"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The JSON type name of a value, as a user would say it. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** A received value safe to echo: numbers, booleans and short strings of enum-like fields only. */
function describeReceived(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value.length <= 40 && /^[\w.+\-# ]*$/.test(value))
    return JSON.stringify(value);
  return describeType(value);
}

const EXPECTED_NAMES: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string' };

function describeIssue(issue: Issue, received: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (received === undefined)
        return `required (expected ${EXPECTED_NAMES[issue.expected] ?? issue.expected})`;
      if (issue.expected === 'int') return `expected an integer, received ${describeReceived(received)}`;
      return `expected ${issue.expected}, received ${describeType(received)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, received ${describeReceived(received)}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'number')
        return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, received ${describeReceived(received)}`;
      return issue.message;
    case 'too_big':
      if (issue.origin === 'number')
        return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, received ${describeReceived(received)}`;
      return issue.message;
    default:
      return issue.message;
  }
}

/** One `field: problem` line per zod issue; `input` is the raw value that was parsed. */
export function formatZodIssues(
  issues: readonly Issue[],
  input: unknown,
  pathPrefix: readonly PathSegment[] = [],
): string[] {
  return issues.map((issue) => {
    const path = [...pathPrefix, ...issue.path];
    const received = valueAt(input, issue.path);
    const field = formatPath(path);
    return `${field === '' ? '(root)' : field}: ${describeIssue(issue, received)}`;
  });
}
