import type { ThinkingSettings } from './conversion-context.js';

/** The tags that switch the upstream model into thinking (protocol §3.10); undefined when thinking is off. */
export function buildThinkingPrefix(thinking: ThinkingSettings): string | undefined {
  if (thinking.mode === 'enabled') {
    return `<thinking_mode>enabled</thinking_mode><max_thinking_length>${thinking.budgetTokens ?? 0}</max_thinking_length>`;
  }
  if (thinking.mode === 'adaptive') {
    return `<thinking_mode>adaptive</thinking_mode><thinking_effort>${thinking.effort ?? 'high'}</thinking_effort>`;
  }
  return undefined;
}

/** The client already controls thinking through its own system prompt; do not inject a second prefix. */
export function hasThinkingTags(systemText: string | undefined): boolean {
  return (
    systemText !== undefined &&
    (systemText.includes('<thinking_mode>') || systemText.includes('<max_thinking_length>'))
  );
}
