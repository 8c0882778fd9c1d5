/** kiro.rs: 200 ms × 2^attempt, capped at 2 s, plus up to 25 % jitter. */
export function backoffDelay(retry: number, random: () => number): number {
  const base = Math.min(2000, 200 * 2 ** retry);
  return Math.round(base + base * 0.25 * random());
}

/** Resolves after `ms`, or rejects at once when the request is aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
