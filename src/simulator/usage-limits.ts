// Credits: what each request costs (meteringEvent) and the getUsageLimits answer (protocol §7).

import type { SimBonus, SimFreeTrial, SimTier } from './sim-account.js';
import type { AccountRecord } from './token-store.js';

const DAY_MS = 86_400_000;

/** Deterministic request cost in credits: a base fee plus input and output shares, times the model's rate. */
export function meterCredits(inputTokens: number, outputTokens: number, rateMultiplier: number): number {
  const raw = rateMultiplier * (0.01 + inputTokens / 200_000 + outputTokens / 40_000);
  return Math.max(0.0001, Math.round(raw * 10_000) / 10_000);
}

export type MeteringFunction = (inputTokens: number, outputTokens: number, rateMultiplier: number) => number;

const TIER_INFO: Record<SimTier, { title: string; type: string; overage: string }> = {
  FREE: { title: 'KIRO FREE', type: 'Q_DEVELOPER_STANDALONE_FREE', overage: 'OVERAGE_INCAPABLE' },
  PRO: { title: 'KIRO PRO', type: 'Q_DEVELOPER_STANDALONE_PRO', overage: 'OVERAGE_CAPABLE' },
  PRO_PLUS: { title: 'KIRO PRO+', type: 'Q_DEVELOPER_STANDALONE_PRO_PLUS', overage: 'OVERAGE_CAPABLE' },
  POWER: { title: 'KIRO POWER', type: 'Q_DEVELOPER_STANDALONE_POWER', overage: 'OVERAGE_CAPABLE' },
};

function trialActive(trial: SimFreeTrial | undefined, now: number): trial is SimFreeTrial {
  return (
    trial !== undefined && (trial.status ?? 'ACTIVE') === 'ACTIVE' && (trial.expiresAt ?? Infinity) > now
  );
}

function bonusActive(bonus: SimBonus, now: number): boolean {
  return (bonus.status ?? 'ACTIVE') === 'ACTIVE' && (bonus.expiresAt ?? Infinity) > now;
}

/** Adds `credits` to the account: the free trial is used first, then active bonuses, then the plan. */
export function applyUsage(record: AccountRecord, credits: number, now: number): void {
  let left = credits;
  const take = (limit: number, used: number): number => {
    const share = Math.min(left, Math.max(0, limit - used));
    left -= share;
    return used + share;
  };
  if (trialActive(record.freeTrial, now)) {
    record.freeTrial.currentUsage = take(record.freeTrial.usageLimit, record.freeTrial.currentUsage ?? 0);
  }
  for (const bonus of record.bonuses) {
    if (bonusActive(bonus, now)) bonus.currentUsage = take(bonus.usageLimit, bonus.currentUsage ?? 0);
  }
  record.currentUsage += left;
}

/** Limit and usage summed the way kiro.rs does (§7.3). */
export function creditBalance(record: AccountRecord, now: number): { limit: number; used: number } {
  let limit = record.usageLimit;
  let used = record.currentUsage;
  if (trialActive(record.freeTrial, now)) {
    limit += record.freeTrial.usageLimit;
    used += record.freeTrial.currentUsage ?? 0;
  }
  for (const bonus of record.bonuses) {
    if (!bonusActive(bonus, now)) continue;
    limit += bonus.usageLimit;
    used += bonus.currentUsage ?? 0;
  }
  return { limit, used };
}

/** Chat answers 402 once the credits are spent, or when the flag is set by hand. */
export function quotaExhausted(record: AccountRecord, now: number): boolean {
  if (record.quotaExhausted) return true;
  const { limit, used } = creditBalance(record, now);
  return used >= limit;
}

/** 00:00 UTC on the first day of next month. */
export function nextResetMs(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

const seconds = (ms: number): number => ms / 1000;
const precise = (value: number): number => Math.round(value * 100) / 100;

function describeTrial(trial: SimFreeTrial, now: number): Record<string, unknown> {
  const used = trial.currentUsage ?? 0;
  const expired = (trial.expiresAt ?? Infinity) <= now;
  return {
    freeTrialStatus: expired ? 'EXPIRED' : (trial.status ?? 'ACTIVE'),
    freeTrialExpiry: seconds(trial.expiresAt ?? now),
    usageLimit: Math.round(trial.usageLimit),
    usageLimitWithPrecision: trial.usageLimit,
    currentUsage: Math.round(used),
    currentUsageWithPrecision: precise(used),
  };
}

function describeBonus(bonus: SimBonus, now: number): Record<string, unknown> {
  const expired = bonus.expiresAt !== undefined && bonus.expiresAt <= now;
  return {
    bonusCode: bonus.bonusCode,
    displayName: bonus.displayName ?? bonus.bonusCode,
    description: bonus.description ?? 'Bonus credits',
    status: expired ? 'EXPIRED' : (bonus.status ?? 'ACTIVE'),
    usageLimit: bonus.usageLimit,
    currentUsage: precise(bonus.currentUsage ?? 0),
    ...(bonus.expiresAt === undefined ? {} : { expiresAt: seconds(bonus.expiresAt) }),
    redeemedAt: seconds(bonus.redeemedAt ?? now),
  };
}

/** The getUsageLimits body (§7.2). Dates are epoch seconds. */
export function buildUsageLimits(
  record: AccountRecord,
  now: number,
  includeEmail: boolean,
): Record<string, unknown> {
  const reset = nextResetMs(now);
  const tier = TIER_INFO[record.tier];
  return {
    daysUntilReset: Math.ceil((reset - now) / DAY_MS),
    nextDateReset: seconds(reset),
    limits: [],
    overageConfiguration: { overageStatus: 'DISABLED' },
    subscriptionInfo: {
      subscriptionTitle: tier.title,
      type: tier.type,
      overageCapability: tier.overage,
      upgradeCapability: record.tier === 'POWER' ? 'UPGRADE_INCAPABLE' : 'UPGRADE_CAPABLE',
      subscriptionManagementTarget: 'PURCHASE',
    },
    totalUsage: { maxOverageLimit: 0, overageLimit: 0, totalOverageCharges: 0 },
    usageBreakdownList: [
      {
        resourceType: 'CREDIT',
        unit: 'INVOCATIONS',
        displayName: 'Credit',
        displayNamePlural: 'Credits',
        currency: 'USD',
        currentUsage: Math.round(record.currentUsage),
        currentUsageWithPrecision: precise(record.currentUsage),
        usageLimit: Math.round(record.usageLimit),
        usageLimitWithPrecision: record.usageLimit,
        nextDateReset: seconds(reset),
        overageCap: 0,
        overageCapWithPrecision: 0,
        overageCharges: 0,
        overageRate: 0.04,
        currentOverages: 0,
        currentOveragesWithPrecision: 0,
        ...(record.freeTrial ? { freeTrialInfo: describeTrial(record.freeTrial, now) } : {}),
        ...(record.bonuses.length > 0
          ? { bonuses: record.bonuses.map((bonus) => describeBonus(bonus, now)) }
          : {}),
      },
    ],
    ...(includeEmail ? { userInfo: { email: record.email, userId: record.userId } } : {}),
  };
}
