// A CredentialSpec for tests: a social account from credentials.json, overridable field by field.
import type { CredentialSpec } from '../../src/upstream/credential.js';

export function testSpec(overrides: Partial<CredentialSpec> = {}): CredentialSpec {
  const id = overrides.id ?? 1;
  return {
    id,
    stateKey: `file:${id}`,
    authMethod: 'social',
    priority: 0,
    authRegion: 'us-east-1',
    apiRegion: 'us-east-1',
    machineId: 'a'.repeat(64),
    endpoint: 'ide',
    proxy: undefined,
    disabled: false,
    origin: { kind: 'file', path: '/tmp/credentials.json' },
    ...overrides,
  };
}
