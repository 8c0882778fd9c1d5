import { z } from 'zod';

// getUsageLimits (protocol §7). Every field is optional upstream; dates are epoch seconds as
// floats (1.772785769036E9 broke a Go peer), so numbers are never forced to integers.

const num = z.number().finite().nullish();
const str = z.string().nullish();

const freeTrialSchema = z.looseObject({
  freeTrialStatus: str,
  freeTrialExpiry: num,
  usageLimit: num,
  usageLimitWithPrecision: num,
  currentUsage: num,
  currentUsageWithPrecision: num,
});

const bonusSchema = z.looseObject({
  bonusCode: str,
  displayName: str,
  status: str,
  usageLimit: num,
  currentUsage: num,
  expiresAt: num,
});

const breakdownSchema = z.looseObject({
  resourceType: str,
  currentUsage: num,
  currentUsageWithPrecision: num,
  usageLimit: num,
  usageLimitWithPrecision: num,
  nextDateReset: num,
  freeTrialInfo: freeTrialSchema.nullish(),
  bonuses: z.array(bonusSchema).nullish(),
});

export const usageLimitsResponseSchema = z.looseObject({
  daysUntilReset: num,
  nextDateReset: num,
  subscriptionInfo: z.looseObject({ subscriptionTitle: str, type: str }).nullish(),
  usageBreakdownList: z.array(breakdownSchema).nullish(),
  userInfo: z.looseObject({ email: str, userId: str }).nullish(),
});

export type UsageLimitsResponse = z.infer<typeof usageLimitsResponseSchema>;

/** What the pool and console need, computed as kiro.rs does (§7.3). */
export interface UsageSnapshot {
  subscriptionTitle: string | undefined;
  subscriptionType: string | undefined;
  email: string | undefined;
  /** Credits: base + active free trial + active bonuses. */
  limit: number;
  used: number;
  remaining: number;
  /** 0–100. */
  percentUsed: number;
  bonusRemaining: number;
  /** Epoch ms of the next monthly reset. */
  nextResetAt: number | undefined;
  fetchedAt: number;
}

const value = (precise: number | null | undefined, plain: number | null | undefined): number =>
  precise ?? plain ?? 0;

export function summariseUsageLimits(response: UsageLimitsResponse, fetchedAt: number): UsageSnapshot {
  const breakdown =
    response.usageBreakdownList?.find((item) => item.resourceType === 'CREDIT') ??
    response.usageBreakdownList?.[0];
  let limit = 0;
  let used = 0;
  let bonusRemaining = 0;
  if (breakdown) {
    limit += value(breakdown.usageLimitWithPrecision, breakdown.usageLimit);
    used += value(breakdown.currentUsageWithPrecision, breakdown.currentUsage);
    const trial = breakdown.freeTrialInfo;
    if (trial?.freeTrialStatus === 'ACTIVE') {
      limit += value(trial.usageLimitWithPrecision, trial.usageLimit);
      used += value(trial.currentUsageWithPrecision, trial.currentUsage);
    }
    for (const bonus of breakdown.bonuses ?? []) {
      if (bonus.status !== 'ACTIVE') continue;
      limit += bonus.usageLimit ?? 0;
      used += bonus.currentUsage ?? 0;
      bonusRemaining += Math.max(0, (bonus.usageLimit ?? 0) - (bonus.currentUsage ?? 0));
    }
  }
  const reset = breakdown?.nextDateReset ?? response.nextDateReset;
  return {
    subscriptionTitle: response.subscriptionInfo?.subscriptionTitle ?? undefined,
    subscriptionType: response.subscriptionInfo?.type ?? undefined,
    email: response.userInfo?.email ?? undefined,
    limit,
    used,
    remaining: Math.max(0, limit - used),
    percentUsed: limit > 0 ? Math.min(100, (used / limit) * 100) : 0,
    bonusRemaining,
    nextResetAt: reset === null || reset === undefined ? undefined : Math.round(reset * 1000),
    fetchedAt,
  };
}

/** Free accounts are refused Opus upstream (403 FEATURE_NOT_SUPPORTED); kiro.rs checks the title. */
export function isFreeTier(subscriptionTitle: string | undefined, subscriptionType?: string): boolean {
  return /FREE/i.test(subscriptionTitle ?? '') || /_FREE$/i.test(subscriptionType ?? '');
}
