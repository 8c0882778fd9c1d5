import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../shared/clock.js';
import { extractSessionId, resolveConversationId } from './conversation-id.js';

const session = '4b9c6d2e-1f3a-4c5b-8d7e-9f0a1b2c3d4e';

describe('extractSessionId', () => {
  it.each([
    [`user_abc123_account_11111111-2222-3333-4444-555555555555_session_${session}`, session],
    [JSON.stringify({ device_id: 'd', account_uuid: 'a', session_id: session }), session],
    ['{"session_id":"free-form"}', 'free-form'],
    ['{"session_id":42}', undefined],
    ['{not json', undefined],
    ['plain-user-id', undefined],
    ['', undefined],
  ])('%s → %s', (userId, expected) => {
    expect(extractSessionId({ metadata: { user_id: userId } })).toBe(expected);
  });

  it('handles missing metadata', () => {
    expect(extractSessionId({})).toBeUndefined();
    expect(extractSessionId({ metadata: null })).toBeUndefined();
    expect(extractSessionId({ metadata: { user_id: null } })).toBeUndefined();
  });
});

describe('resolveConversationId', () => {
  it('uses a UUID session id as is, hashes others into a stable UUID, else asks for a new id', () => {
    expect(
      resolveConversationId(
        { metadata: { user_id: `{"session_id":"${session.toUpperCase()}"}` } },
        sequentialIds(),
      ),
    ).toBe(session);
    const derived = resolveConversationId({ metadata: { user_id: '{"session_id":"abc"}' } }, sequentialIds());
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resolveConversationId({ metadata: { user_id: '{"session_id":"abc"}' } }, sequentialIds())).toBe(
      derived,
    );
    expect(resolveConversationId({}, sequentialIds())).toBe('00000000-0000-4000-8000-000000000001');
  });
});
