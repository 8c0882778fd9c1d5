import { describe, expect, it } from 'vitest';
import { isDerivedMachineId, normalizeMachineId, resolveMachineId, sha256Hex } from './machine-id.js';

const HEX_A = 'a'.repeat(64);
const HEX_B = 'B'.repeat(64);
const UUID = '2582956e-cc88-4669-b546-07adbffcb894';
const UUID_DOUBLED = '2582956ecc884669b54607adbffcb8942582956ecc884669b54607adbffcb894';

describe('§2.3 test vectors', () => {
  it('refresh token', () => {
    expect(sha256Hex('KotlinNativeAPI/test_refresh_token')).toBe(
      'd8f9e744094de07e7773b722f04e18417ab6ea08442df337812cd632e1c92e40',
    );
    expect(resolveMachineId({ authMethod: 'social', refreshToken: 'test_refresh_token' })).toEqual({
      machineId: 'd8f9e744094de07e7773b722f04e18417ab6ea08442df337812cd632e1c92e40',
      source: 'refresh-token',
      warnings: [],
    });
  });

  it('api key', () => {
    expect(resolveMachineId({ authMethod: 'api_key', kiroApiKey: 'ksk_test_api_key' }).machineId).toBe(
      'd3f3c2cd67d9c65674969954ec20d69fdf023a2c9c2a61246285cb08ba999872',
    );
  });

  it('UUID is doubled without dashes', () => {
    expect(normalizeMachineId(UUID)).toBe(UUID_DOUBLED);
    expect(
      resolveMachineId({ authMethod: 'social', credentialMachineId: UUID, refreshToken: 'x' }),
    ).toMatchObject({
      machineId: UUID_DOUBLED,
      source: 'credential',
    });
  });
});

describe('normalizeMachineId', () => {
  it('keeps 64 hex characters unchanged (case too, as kiro.rs does) and trims', () => {
    expect(normalizeMachineId(HEX_A)).toBe(HEX_A);
    expect(normalizeMachineId(` ${HEX_B}\n`)).toBe(HEX_B);
  });

  it('rejects anything else', () => {
    for (const value of ['invalid', 'too-short', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), '']) {
      expect(normalizeMachineId(value)).toBeUndefined();
    }
  });
});

describe('resolveMachineId priority', () => {
  it('credential beats config beats derivation', () => {
    expect(
      resolveMachineId({
        authMethod: 'social',
        credentialMachineId: HEX_A,
        configMachineId: UUID,
        refreshToken: 'r',
      }),
    ).toMatchObject({
      machineId: HEX_A,
      source: 'credential',
    });
    expect(
      resolveMachineId({ authMethod: 'social', configMachineId: UUID, refreshToken: 'r' }),
    ).toMatchObject({
      machineId: UUID_DOUBLED,
      source: 'config',
    });
  });

  it('invalid configured values are ignored with a warning that does not echo them', () => {
    const result = resolveMachineId({
      authMethod: 'social',
      credentialMachineId: 'nope',
      configMachineId: 'bad',
      refreshToken: 'test_refresh_token',
    });
    expect(result.source).toBe('refresh-token');
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings.join(' ')).not.toMatch(/nope|bad\b/);
  });

  it('an api_key credential uses its key even when a refresh token is present', () => {
    expect(
      resolveMachineId({ authMethod: 'api_key', kiroApiKey: 'ksk_test_api_key', refreshToken: 'r' }).source,
    ).toBe('api-key');
  });

  it('falls back to a random UUID', () => {
    const result = resolveMachineId({ authMethod: 'idc' }, () => UUID);
    expect(result).toEqual({
      machineId: sha256Hex(`KiroFallback/${UUID}`),
      source: 'fallback',
      warnings: [],
    });
    expect(result.machineId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('only derived sources need persisting', () => {
    expect(
      ['credential', 'config', 'api-key', 'refresh-token', 'fallback'].map((source) =>
        isDerivedMachineId(source as never),
      ),
    ).toEqual([false, false, true, true, true]);
  });
});
