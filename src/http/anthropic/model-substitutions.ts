import type { Logger } from '../../shared/logger.js';

/** Pairs remembered at most; a client cycling through made-up names cannot grow it without bound. */
const MAX_PAIRS = 256;

/** Logs each model substitution (requested name → Kiro model used) once. */
export class ModelSubstitutions {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: Logger) {}

  note(requested: string, used: string): void {
    const key = `${requested}\u0000${used}`;
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_PAIRS) this.seen.clear();
    this.seen.add(key);
    this.logger.info({ requested, used }, 'model served by another model the account offers');
  }
}
