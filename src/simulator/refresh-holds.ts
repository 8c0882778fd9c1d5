// Holds the answer to an account's next token refresh until the test releases it, so a test can act
// while a refresh is in flight (the auth host has already rotated the token) without sleeping.

/** One held refresh: `arrived` resolves when the refresh reached the simulator. */
export interface RefreshHold {
  arrived: Promise<void>;
  release(): void;
}

interface Waiting {
  arrive: () => void;
  released: Promise<void>;
}

export class RefreshHolds {
  private readonly holds = new Map<string, Waiting>();

  /** Holds the next refresh answer of this account (replacing a hold not used yet). */
  hold(accountId: string): RefreshHold {
    let arrive = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(accountId, { arrive, released });
    return { arrived, release };
  }

  /** Waits while a hold for this account is set (one refresh per hold); shutdown ends the wait. */
  async pass(accountId: string | undefined, shutdown: AbortSignal): Promise<void> {
    const waiting = accountId === undefined ? undefined : this.holds.get(accountId);
    if (waiting === undefined || accountId === undefined) return;
    this.holds.delete(accountId);
    waiting.arrive();
    const aborted = new Promise<void>((resolve) =>
      shutdown.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.race([waiting.released, aborted]);
  }
}
