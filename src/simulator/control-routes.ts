// /__sim/…: drive the simulator from another process. Outside the Kiro namespace on purpose.

import type { z } from 'zod';
import type { WebSearchConfig } from './web-search-config.js';
import type { AddAccountOptions, SimAccount, SimAccountPatch } from './sim-account.js';
import type { QueuedScript, ScriptMatch, SimScript } from './script-types.js';
import type { SimStats } from './sim-stats.js';
import type { SimHttpError } from './upstream-errors.js';
import {
  accountPatchSchema,
  addAccountSchema,
  clockSchema,
  enqueueScriptSchema,
  webSearchSchema,
} from './control-schemas.js';

/** The part of KiroSimulator the control routes drive. */
export interface SimulatorControl {
  addAccount(options: AddAccountOptions): SimAccount;
  updateAccount(id: string, patch: SimAccountPatch): SimAccount;
  findAccount(id: string): SimAccount | undefined;
  accounts(): SimAccount[];
  enqueueScript(script: SimScript, match?: ScriptMatch): string;
  removeScript(id: string): boolean;
  clearScripts(): void;
  scripts(): QueuedScript[];
  readonly stats: SimStats;
  resetStats(): void;
  setWebSearch(config: WebSearchConfig): void;
  advanceClock(ms: number): number;
}

export const CONTROL_PREFIX = '/__sim';

const ok = (status: number, body?: unknown): SimHttpError => ({ status, body });
const fail = (status: number, error: string, issues?: unknown): SimHttpError => ({
  status,
  body: issues === undefined ? { error } : { error, issues },
});

function parseWith<T>(schema: z.ZodType<T>, body: unknown, use: (value: T) => SimHttpError): SimHttpError {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return fail(400, 'invalid body', parsed.error.issues);
  return use(parsed.data);
}

function accountRoute(control: SimulatorControl, method: string, id: string, body: unknown): SimHttpError {
  if (control.findAccount(id) === undefined) return fail(404, `unknown account "${id}"`);
  if (method === 'GET') return ok(200, control.findAccount(id));
  if (method === 'PATCH') {
    return parseWith(accountPatchSchema, body, (patch) => ok(200, control.updateAccount(id, patch)));
  }
  return fail(405, 'method not allowed');
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Answers one control request; `path` is below the /__sim prefix. */
export function handleControl(
  control: SimulatorControl,
  method: string,
  path: string,
  body: unknown,
): SimHttpError {
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const route = `${method} /${parts[0] ?? ''}`;
  if (parts.length === 2 && parts[0] === 'accounts') return accountRoute(control, method, parts[1]!, body);
  if (parts.length === 2 && parts[0] === 'scripts' && method === 'DELETE') {
    return control.removeScript(parts[1]!) ? ok(204) : fail(404, `unknown script "${parts[1]}"`);
  }
  if (parts.length > 1) return fail(404, 'unknown control route');
  switch (route) {
    case 'GET /health':
      return ok(200, { ok: true });
    case 'GET /accounts':
      return ok(200, control.accounts());
    case 'POST /accounts':
      return parseWith(addAccountSchema, body, (options) => {
        if (options.id !== undefined && control.findAccount(options.id))
          return fail(409, 'account id already exists');
        return ok(201, control.addAccount(options));
      });
    case 'GET /scripts':
      return ok(200, control.scripts());
    case 'POST /scripts':
      return parseWith(enqueueScriptSchema, body, ({ script, match }) =>
        ok(201, { id: control.enqueueScript(script, match) }),
      );
    case 'DELETE /scripts':
      control.clearScripts();
      return ok(204);
    case 'GET /stats':
      return ok(200, control.stats);
    case 'DELETE /stats':
      control.resetStats();
      return ok(204);
    case 'PUT /web-search':
      return parseWith(webSearchSchema, body, (config) => {
        control.setWebSearch(config);
        return ok(204);
      });
    case 'POST /clock':
      return parseWith(clockSchema, body, ({ advanceMs }) =>
        ok(200, { now: control.advanceClock(advanceMs) }),
      );
    default:
      return fail(404, 'unknown control route');
  }
}
