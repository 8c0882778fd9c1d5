import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { isErrorCode } from '../storage/atomic-write-file.js';
import { parseCredentialsText } from '../storage/credentials-file.js';
import type { CredentialDraft } from './parse-credential-entry.js';
import { parseCredentialEntry } from './parse-credential-entry.js';

/** A credential defined by environment variables; `index` numbers the entries of one variable. */
export interface EnvCredential {
  draft: CredentialDraft;
  variable: 'REFRESH_TOKEN' | 'KIRO_API_KEY' | 'KIRO_AUTH_TOKEN';
  index: number;
}

export interface EnvCredentials {
  credentials: EnvCredential[];
  notices: string[];
}

const SINGLE_ACCOUNT_VARIABLES: Record<string, string> = {
  refreshToken: 'REFRESH_TOKEN',
  authMethod: 'AUTH_METHOD',
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
};

/**
 * In this order: REFRESH_TOKEN (+ AUTH_METHOD, CLIENT_ID, CLIENT_SECRET), KIRO_API_KEY (kiro.rs, priority 0),
 * KIRO_AUTH_TOKEN (kiro2api: a JSON array, or a path to a file holding one). Throws ConfigError on invalid values.
 */
export async function readEnvCredentials(
  env: Record<string, string | undefined>,
  cwd: string,
  homeDir: string,
): Promise<EnvCredentials> {
  const credentials: EnvCredential[] = [];
  const notices: string[] = [];
  const problems: string[] = [];

  const refreshToken = value(env.REFRESH_TOKEN);
  if (refreshToken !== undefined) {
    const entry = {
      refreshToken,
      authMethod: value(env.AUTH_METHOD),
      clientId: value(env.CLIENT_ID),
      clientSecret: value(env.CLIENT_SECRET),
    };
    const parsed = parseCredentialEntry(entry, {
      pathPrefix: '',
      fieldName: (field) => SINGLE_ACCOUNT_VARIABLES[field] ?? field,
    });
    problems.push(...parsed.errors);
    notices.push(...parsed.notices);
    if (parsed.draft) credentials.push({ draft: parsed.draft, variable: 'REFRESH_TOKEN', index: 0 });
  } else if (value(env.CLIENT_ID) !== undefined || value(env.CLIENT_SECRET) !== undefined) {
    notices.push('CLIENT_ID / CLIENT_SECRET are set but REFRESH_TOKEN is not; ignored');
  }

  const kiroApiKey = value(env.KIRO_API_KEY);
  if (kiroApiKey !== undefined) {
    const parsed = parseCredentialEntry(
      { authMethod: 'api_key', kiroApiKey, priority: 0 },
      { pathPrefix: '', fieldName: () => 'KIRO_API_KEY' },
    );
    problems.push(...parsed.errors);
    notices.push(...parsed.notices);
    if (parsed.draft) credentials.push({ draft: parsed.draft, variable: 'KIRO_API_KEY', index: 0 });
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);

  const authToken = value(env.KIRO_AUTH_TOKEN);
  if (authToken !== undefined) {
    const { text, label } = await readAuthTokenSource(authToken, cwd, homeDir);
    const content = parseCredentialsText(text, label);
    const tokenProblems: string[] = [];
    content.entries.forEach((entry, index) => {
      const parsed = parseCredentialEntry(entry, { pathPrefix: `[${index}]` });
      tokenProblems.push(...parsed.errors);
      notices.push(...parsed.notices.map((notice) => `${label}: ${notice}`));
      if (parsed.draft) credentials.push({ draft: parsed.draft, variable: 'KIRO_AUTH_TOKEN', index });
    });
    if (tokenProblems.length > 0) throw new ConfigError(label, tokenProblems);
  }
  return { credentials, notices };
}

/** Inline JSON when it starts with `[` or `{`; otherwise a file path (`~/` expands to the home directory). */
async function readAuthTokenSource(
  raw: string,
  cwd: string,
  homeDir: string,
): Promise<{ text: string; label: string }> {
  if (raw.startsWith('[') || raw.startsWith('{')) return { text: raw, label: 'KIRO_AUTH_TOKEN' };
  const filePath = raw.startsWith('~/') ? path.join(homeDir, raw.slice(2)) : path.resolve(cwd, raw);
  const label = `KIRO_AUTH_TOKEN (${filePath})`;
  try {
    return { text: await fs.readFile(filePath, 'utf8'), label };
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) throw new ConfigError(label, ['not inline JSON and no such file']);
    if (isErrorCode(error, 'EACCES')) throw new ConfigError(label, ['permission denied']);
    if (isErrorCode(error, 'EISDIR')) throw new ConfigError(label, ['is a directory']);
    throw error;
  }
}

function value(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
