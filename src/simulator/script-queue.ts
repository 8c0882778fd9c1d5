import type { QueuedScript, ScriptMatch, SimScript } from './script-types.js';

/** Scripts in arrival order; a request takes the first one whose match accepts it. */
export class ScriptQueue {
  private entries: QueuedScript[] = [];
  private nextId = 1;

  enqueue(script: SimScript, match: ScriptMatch = {}): string {
    const id = `script-${this.nextId++}`;
    const times = match.times ?? 1;
    if (times !== 'forever' && (!Number.isInteger(times) || times < 1)) {
      throw new Error('script match "times" must be a positive integer or "forever"');
    }
    this.entries.push({ id, script, match, remaining: times });
    return id;
  }

  /** Removes and returns the first matching script (or decrements its count). */
  take(accountId: string, messageText: string): SimScript | undefined {
    const index = this.entries.findIndex((entry) => matches(entry.match, accountId, messageText));
    const entry = this.entries[index];
    if (!entry) return undefined;
    if (entry.remaining !== 'forever') {
      entry.remaining--;
      if (entry.remaining === 0) this.entries.splice(index, 1);
    }
    return entry.script;
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.id !== id);
    return this.entries.length < before;
  }

  clear(): void {
    this.entries = [];
  }

  list(): QueuedScript[] {
    return structuredClone(this.entries);
  }
}

function matches(match: ScriptMatch, accountId: string, messageText: string): boolean {
  if (match.accountId !== undefined && match.accountId !== accountId) return false;
  if (match.messageIncludes !== undefined && !messageText.includes(match.messageIncludes)) return false;
  return true;
}
