// Machine ID derivation, protocol §2.3 (kiro.rs rules, so a switched user keeps the same device fingerprint).
import { createHash, randomUUID } from 'node:crypto';
import type { AuthMethod, MachineIdSource } from './credential.js';

export interface MachineIdInput {
  authMethod: AuthMethod;
  /** `machineId` from the credential entry. */
  credentialMachineId?: string | undefined;
  /** `machineId` from config.json. */
  configMachineId?: string | undefined;
  kiroApiKey?: string | undefined;
  refreshToken?: string | undefined;
}

export interface MachineIdResult {
  /** 64 hex characters. */
  machineId: string;
  source: MachineIdSource;
  /** Log-safe messages about ignored invalid values. */
  warnings: string[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 64 hex → unchanged; a UUID (32 hex once dashes are removed) → doubled; anything else → undefined. */
export function normalizeMachineId(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return trimmed;
  const withoutDashes = trimmed.replaceAll('-', '');
  if (/^[0-9a-fA-F]{32}$/.test(withoutDashes)) return withoutDashes + withoutDashes;
  return undefined;
}

/** Sources whose IDs are derived (rules 2–4) and must be persisted to stay stable after a token rotation. */
export function isDerivedMachineId(source: MachineIdSource): boolean {
  return source === 'api-key' || source === 'refresh-token' || source === 'fallback';
}

/**
 * §2.3 priority: credential.machineId → config.machineId (both normalised, invalid ones ignored with a warning)
 * → sha256("KiroAPIKey/"+key) for api_key → sha256("KotlinNativeAPI/"+refreshToken) → sha256("KiroFallback/"+uuid).
 */
export function resolveMachineId(
  input: MachineIdInput,
  randomUuid: () => string = randomUUID,
): MachineIdResult {
  const warnings: string[] = [];
  const configured: [string | undefined, 'credential' | 'config'][] = [
    [input.credentialMachineId, 'credential'],
    [input.configMachineId, 'config'],
  ];
  for (const [value, source] of configured) {
    if (value === undefined || value.trim() === '') continue;
    const normalized = normalizeMachineId(value);
    if (normalized !== undefined) return { machineId: normalized, source, warnings };
    warnings.push(
      `${source === 'credential' ? 'credential' : 'config'} machineId is neither 64 hex characters nor a UUID; ignored`,
    );
  }
  if (input.authMethod === 'api_key' && input.kiroApiKey) {
    return { machineId: sha256Hex(`KiroAPIKey/${input.kiroApiKey}`), source: 'api-key', warnings };
  }
  if (input.authMethod !== 'api_key' && input.refreshToken) {
    return {
      machineId: sha256Hex(`KotlinNativeAPI/${input.refreshToken}`),
      source: 'refresh-token',
      warnings,
    };
  }
  return { machineId: sha256Hex(`KiroFallback/${randomUuid()}`), source: 'fallback', warnings };
}
