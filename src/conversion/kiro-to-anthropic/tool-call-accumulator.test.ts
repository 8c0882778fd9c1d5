import { describe, expect, it } from 'vitest';
import { resolveToolInput } from './resolve-tool-input.js';
import type { KiroToolUseEvent } from './tool-call-accumulator.js';
import { ToolCallAccumulator } from './tool-call-accumulator.js';

const ID = 'tooluse_Zk3n0aBcD1eFgH2iJkLmNo';

function toolEvent(
  input: string,
  stop = false,
  name: string | undefined = 'Write',
  toolUseId = ID,
): KiroToolUseEvent {
  return { type: 'toolUse', toolUseId, name, input, stop };
}

describe('resolveToolInput', () => {
  it('uses the concatenation when it is a JSON object', () => {
    expect(resolveToolInput(['{"a": ', '1}'], '')).toEqual({ ok: true, json: '{"a": 1}' });
  });

  it('turns an empty or blank input into {}', () => {
    expect(resolveToolInput([], '')).toEqual({ ok: true, json: '{}' });
    expect(resolveToolInput([' \n'], ' \n')).toEqual({ ok: true, json: '{}' });
  });

  it('repairs a fragment duplicated back to back', () => {
    expect(resolveToolInput(['{"a":', '{"a":', '1}'], '')).toEqual({ ok: true, json: '{"a":1}' });
  });

  it('keeps legitimately repeated fragments when the concatenation parses', () => {
    expect(resolveToolInput(['{"s": "ab', 'ab', 'ab"}'], '')).toEqual({ ok: true, json: '{"s": "ababab"}' });
  });

  it('never turns a complete input plus a stop object into {…}{}', () => {
    expect(resolveToolInput(['{"a":1}', '{}'], '{}')).toEqual({ ok: true, json: '{"a":1}' });
    expect(resolveToolInput(['{"a":', '1}', '{"a":1}'], '{"a":1}')).toEqual({ ok: true, json: '{"a":1}' });
  });

  it('rejects truncated, non-object and trailing-garbage inputs', () => {
    expect(resolveToolInput(['{"a": "unterminated'], '')).toEqual({ ok: false });
    expect(resolveToolInput(['[1, 2]'], '')).toEqual({ ok: false });
    expect(resolveToolInput(['"text"'], '')).toEqual({ ok: false });
    expect(resolveToolInput(['{"a":1}', 'x'], 'x')).toEqual({ ok: false });
  });
});

describe('ToolCallAccumulator', () => {
  it('buffers fragments until stop and remembers the name from the first event carrying it', () => {
    const tools = new ToolCallAccumulator();
    expect(tools.push({ ...toolEvent(''), name: undefined })).toBeUndefined();
    expect(tools.push(toolEvent('{"file_path": "a"', false, 'Write'))).toBeUndefined();
    expect(tools.push(toolEvent('}', false, 'Other'))).toBeUndefined();
    expect(tools.pendingCount).toBe(1);
    expect(tools.push({ ...toolEvent('', true), name: undefined })).toEqual({
      kind: 'complete',
      call: { id: ID, name: 'Write', json: '{"file_path": "a"}' },
    });
    expect(tools.pendingCount).toBe(0);
  });

  it('completes a one-shot input carried by the stop event', () => {
    const tools = new ToolCallAccumulator();
    expect(tools.push(toolEvent('{"command": "ls"}', true, 'Bash'))).toEqual({
      kind: 'complete',
      call: { id: ID, name: 'Bash', json: '{"command": "ls"}' },
    });
  });

  it('ignores events for a call that already finished', () => {
    const tools = new ToolCallAccumulator();
    tools.push(toolEvent('{}', true));
    expect(tools.push(toolEvent('{}', true))).toBeUndefined();
    expect(tools.push(toolEvent('more'))).toBeUndefined();
    expect(tools.drainUnfinished()).toEqual([]);
  });

  it('reports invalid JSON and a missing name as failures with what was received', () => {
    const tools = new ToolCallAccumulator();
    expect(tools.push(toolEvent('{"a": tru', true))).toEqual({
      kind: 'failed',
      failure: { id: ID, name: 'Write', reason: 'invalid-json', received: '{"a": tru' },
    });
    expect(
      tools.push({
        type: 'toolUse',
        toolUseId: 'tooluse_nameless',
        name: undefined,
        input: '{}',
        stop: true,
      }),
    ).toEqual({
      kind: 'failed',
      failure: { id: 'tooluse_nameless', name: undefined, reason: 'missing-name', received: '{}' },
    });
  });

  it('ignores a bare stop for an id it never saw', () => {
    const tools = new ToolCallAccumulator();
    expect(
      tools.push({ type: 'toolUse', toolUseId: 'tooluse_x', name: undefined, input: '', stop: true }),
    ).toBeUndefined();
    expect(tools.drainUnfinished()).toEqual([]);
  });

  it('drains calls that never stopped as truncated, in arrival order', () => {
    const tools = new ToolCallAccumulator();
    tools.push(toolEvent('{"file_path": "b", "content": "', false, 'Write', 'tooluse_b'));
    tools.push(toolEvent('', false, 'Read', 'tooluse_a'));
    tools.push(toolEvent('abc', false, 'Write', 'tooluse_b'));
    expect(tools.drainUnfinished()).toEqual([
      { id: 'tooluse_b', name: 'Write', reason: 'truncated', received: '{"file_path": "b", "content": "abc' },
      { id: 'tooluse_a', name: 'Read', reason: 'truncated', received: '' },
    ]);
    expect(tools.push(toolEvent('"}', true, 'Write', 'tooluse_b'))).toBeUndefined();
  });
});
