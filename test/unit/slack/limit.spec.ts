import { describe, expect, it } from 'vitest';
import type { SlackBlock } from '../../../src/router/types.js';
import { blockChars, fitMessage, packBlocks, truncateText } from '../../../src/slack/limit.js';

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const textOf = (b: SlackBlock | undefined): string => (b as { text?: { text: string } } | undefined)?.text?.text ?? '';
const buttons: SlackBlock = {
  type: 'actions',
  elements: [{ type: 'button', action_id: 'stackmedic_confirm', value: 'id1', text: { type: 'plain_text', text: 'Confirm' } }],
};

/** What Slack checks: blocks, per-section and per-header length, and the whole message. */
function expectLegal(m: { text: string; blocks: readonly SlackBlock[] }): void {
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const b of m.blocks) {
    if (b.type === 'section') expect(textOf(b).length).toBeLessThanOrEqual(3000);
    if (b.type === 'header') expect(textOf(b).length).toBeLessThanOrEqual(150);
  }
  expect(m.text.length + m.blocks.reduce((n, b) => n + blockChars(b), 0)).toBeLessThanOrEqual(40_000);
}

describe('truncateText', () => {
  it('cuts with the count of what is left out, and hands the rest back whole', () => {
    const text = 'x'.repeat(5000);
    const t = truncateText(text, 3000);
    expect(t.text.length).toBeLessThanOrEqual(3000);
    const kept = t.text.replace(/\.\.\. \(\d+ more characters\)$/, '');
    expect(t.text).toMatch(new RegExp(`\\.\\.\\. \\(${5000 - kept.length} more characters\\)$`));
    expect(kept + t.rest).toBe(text);
  });

  it('closes a code block the cut leaves open', () => {
    const t = truncateText('```\n' + 'row\n'.repeat(2000) + '```', 3000);
    expect((t.text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(t.text.length).toBeLessThanOrEqual(3000);
  });

  it('never cuts inside an entity or a mention', () => {
    const entity = truncateText(`${'a'.repeat(2968)}&amp;${'b'.repeat(100)}`, 3000);
    expect(entity.text).not.toMatch(/&(?:a|am|amp)?\.\.\./);
    expect(entity.rest.startsWith('&amp;') || entity.text.includes('&amp;')).toBe(true);
    const mention = truncateText(`${'a'.repeat(2960)}<@U0123ABCD> ${'b'.repeat(100)}`, 3000);
    expect(mention.text).not.toMatch(/<@U0?1?2?3?A?B?C?D?\.\.\./);
    expect(mention.rest.startsWith('<@U0123ABCD>')).toBe(true);
  });

  it('leaves text within the limit alone', () => {
    expect(truncateText('short', 3000)).toEqual({ text: 'short', rest: '' });
  });
});

describe('fitMessage', () => {
  it('leaves a message within every limit untouched', () => {
    const m = { text: 'ok', blocks: [section('a'), buttons] };
    expect(fitMessage(m)).toEqual({ message: m, rest: '', cut: 0 });
  });

  it('cuts a section over 3,000 characters and says how much', () => {
    const f = fitMessage({ text: 't', blocks: [section('y'.repeat(10_000))] });
    expectLegal(f.message);
    expect(textOf(f.message.blocks[0])).toMatch(/\.\.\. \(\d+ more characters\)$/);
    expect(f.cut).toBe(f.rest.length);
    expect(textOf(f.message.blocks[0]).replace(/\.\.\. \(\d+ more characters\)$/, '') + f.rest).toBe('y'.repeat(10_000));
  });

  it('keeps 50 blocks at most, the buttons always, and a marker with the count of what moved', () => {
    const blocks = [...Array.from({ length: 80 }, (_, i) => section(`item ${i}`)), buttons];
    const f = fitMessage({ text: 't', blocks }, '(the rest is in the thread)');
    expectLegal(f.message);
    expect(f.message.blocks.at(-1)).toEqual(buttons);
    const marker = JSON.stringify(f.message.blocks.at(-2));
    const dropped = Array.from({ length: 80 }, (_, i) => `item ${i}`).slice(48);
    expect(marker).toContain(`... (${dropped.join('').length} more characters) (the rest is in the thread)`);
    expect(f.rest).toBe(dropped.join('\n'));
  });

  it('keeps the whole message within 40,000 characters, cutting the section at the limit', () => {
    const blocks = Array.from({ length: 20 }, (_, i) => section(`${i}:${'z'.repeat(2900)}`));
    const f = fitMessage({ text: 'fallback', blocks });
    expectLegal(f.message);
    const total = blocks.reduce((n, b) => n + textOf(b).length, 0);
    const shown = f.message.blocks.filter((b) => b.type === 'section').reduce((n, b) => n + textOf(b).replace(/\.\.\. \(\d+ more characters\)$/, '').length, 0);
    // Nothing vanishes: what is shown and what was cut add up to the whole.
    expect(shown + f.cut).toBe(total);
    expect(shown).toBeGreaterThan(35_000);
  });

  it('caps the fallback text, cuts headers and context elements to their limits', () => {
    const f = fitMessage({
      text: 'n'.repeat(50_000),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(400) } },
        { type: 'context', elements: Array.from({ length: 12 }, (_, i) => ({ type: 'mrkdwn', text: `e${i}` })) },
      ],
    });
    expectLegal(f.message);
    expect(f.message.text.length).toBeLessThanOrEqual(3000);
    expect(f.message.text).toMatch(/\.\.\. \(\d+ more characters\)$/);
    expect(textOf(f.message.blocks[0]).length).toBeLessThanOrEqual(150);
    expect((f.message.blocks[1] as { elements: unknown[] }).elements).toHaveLength(10);
    expect(f.rest).toContain('e10\ne11');
  });
});

describe('packBlocks', () => {
  it('spreads blocks over messages by count and by characters, in order, nothing dropped', () => {
    const blocks = Array.from({ length: 70 }, (_, i) => section(`${i} ${'p'.repeat(2500)}`));
    const groups = packBlocks(blocks);
    for (const g of groups) expectLegal({ text: 'x'.repeat(3000), blocks: g });
    expect(groups.flat()).toEqual(blocks);
  });
});
