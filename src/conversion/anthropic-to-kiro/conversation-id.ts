import { createHash } from 'node:crypto';
import type { IdGenerator } from '../../shared/clock.js';

interface WithMetadata {
  metadata?: { user_id?: string | null | undefined } | null | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SESSION_IN_USER_ID = /_session_([0-9a-z][0-9a-z-]*)$/i;

/**
 * The client session behind `metadata.user_id` (protocol §3.7): the part after `_session_` in Claude Code's
 * `user_…_account_…_session_<uuid>` string, or `session_id` in a JSON-object user_id. The pool uses it for
 * stickiness.
 */
export function extractSessionId(request: WithMetadata): string | undefined {
  const userId = request.metadata?.user_id?.trim();
  if (!userId) return undefined;
  if (userId.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(userId);
      const sessionId = (parsed as { session_id?: unknown } | null)?.session_id;
      return typeof sessionId === 'string' && sessionId.trim() !== '' ? sessionId.trim() : undefined;
    } catch {
      return undefined;
    }
  }
  return SESSION_IN_USER_ID.exec(userId)?.[1];
}

/** A stable UUID per session: the session id itself when it is a UUID, else one derived from it by SHA-256. */
export function resolveConversationId(request: WithMetadata, newId: IdGenerator): string {
  const sessionId = extractSessionId(request);
  if (sessionId === undefined) return newId();
  if (UUID.test(sessionId)) return sessionId.toLowerCase();
  const hex = createHash('sha256').update(`kirogate-session:${sessionId}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
