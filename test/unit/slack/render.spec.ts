import { describe, expect, it } from 'vitest';
import { enforceBlockLimits, renderProgress, renderReply } from '../../../src/slack/render.js';
import type { SlackBlock } from '../../../src/router/types.js';
import { runButton } from '../../../src/render/run-button.js';

function sectionTexts(blocks: readonly SlackBlock[]): string[] {
  return blocks.filter((b) => b.type === 'section').map((b) => (b as unknown as { text: { text: string } }).text.text);
}

function assertLegal(blocks: readonly SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    const t = (b as { text?: { text: string } }).text?.text;
    if (b.type === 'header') expect(t?.length).toBeLessThanOrEqual(150);
    if (b.type === 'section') expect(t?.length).toBeLessThanOrEqual(3000);
  }
}

describe('renderReply', () => {
  it('puts the verdict in a header and short output in a code block', () => {
    const r = renderReply({ ok: true, title: 'All 3 nodes answer.', text: 'NODE  STATUS\nnode-1  ok' }, { footer: '`/cluster ping` by <@U1>' });
    expect(r.main.text).toBe('All 3 nodes answer.');
    expect(r.main.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'All 3 nodes answer.', emoji: true } });
    expect(sectionTexts(r.main.blocks)).toEqual(['```\nNODE  STATUS\nnode-1  ok\n```']);
    expect(r.main.blocks.at(-1)?.type).toBe('context');
    expect(r.thread).toEqual([]);
    expect(r.files).toEqual([]);
  });

  it('shows a verdict longer than a header as bold text, uncut', () => {
    const title = `${'node-1, '.repeat(30)}unreachable`;
    const r = renderReply({ ok: false, title, text: '' });
    expect(r.main.blocks[0]?.type).toBe('section');
    expect(sectionTexts(r.main.blocks)[0]).toBe(`*${title}*`);
  });

  it('moves medium output to thread replies, nothing lost', () => {
    const text = Array.from({ length: 1500 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const r = renderReply({ ok: true, title: 'big', text });
    assertLegal(r.main.blocks);
    expect(r.thread.length).toBeGreaterThan(0);
    for (const m of r.thread) assertLegal(m.blocks);
    const all = [...sectionTexts(r.main.blocks), ...r.thread.flatMap((m) => sectionTexts(m.blocks))];
    expect(all.map((s) => s.slice(4, -4)).join('\n')).toBe(text);
    expect(JSON.stringify(r.main.blocks)).toContain('continued in the thread');
  });

  it('attaches very long output as a file', () => {
    const text = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const r = renderReply({ ok: true, title: 'huge', text, files: [{ filename: 'extra.txt', title: 'extra', content: 'e' }] });
    assertLegal(r.main.blocks);
    expect(r.thread).toEqual([]);
    expect(r.files.map((f) => f.filename)).toEqual(['output.txt', 'extra.txt']);
    expect(r.files[0]?.content).toBe(text);
    expect(JSON.stringify(r.main.blocks)).toContain('20000 lines in all');
  });

  it('uses the command’s own blocks and splits them past 50', () => {
    const blocks: SlackBlock[] = Array.from({ length: 120 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `item ${i}` } }));
    const r = renderReply({ ok: true, title: 'many', text: 'ignored', blocks }, { footer: 'f' });
    assertLegal(r.main.blocks);
    for (const m of r.thread) assertLegal(m.blocks);
    const items = [...sectionTexts(r.main.blocks), ...r.thread.flatMap((m) => sectionTexts(m.blocks))];
    expect(items).toEqual(blocks.map((b) => (b as unknown as { text: { text: string } }).text.text));
    expect(r.main.blocks.some((b) => b.type === 'header')).toBe(false);
  });

  it('does not add a second header to blocks that carry their own verdict', () => {
    const r = renderReply(
      { ok: false, title: 'CRITICAL: 2 problems', text: '', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'CRITICAL: 2 problems' } }] },
      { footer: 'f' },
    );
    expect(r.main.blocks.map((b) => b.type)).toEqual(['header', 'context']);
    expect(r.main.text).toBe('CRITICAL: 2 problems');
  });
});

describe('enforceBlockLimits', () => {
  it('splits an oversized section and keeps code fences balanced', () => {
    const text = '```\n' + Array.from({ length: 500 }, (_, i) => `row ${i} ${'y'.repeat(10)}`).join('\n') + '\n```';
    const out = enforceBlockLimits([{ type: 'section', text: { type: 'mrkdwn', text } }]);
    expect(out.length).toBeGreaterThan(1);
    for (const t of sectionTexts(out)) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it('turns an over-long header into a bold section', () => {
    const out = enforceBlockLimits([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(200) } }]);
    expect(out).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `*${'h'.repeat(200)}*` } }]);
  });
});

describe('renderProgress', () => {
  it('keeps the mention in the intro and escapes the step', () => {
    const m = renderProgress('`/compute fix-libvirt node-18` by <@U1>', 'step 2/5: restarting <libvirtd>...');
    expect(m.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: `/compute fix-libvirt node-18` by <@U1>\nstep 2/5: restarting &lt;libvirtd&gt;...' },
    });
  });
});

describe('runButton', () => {
  it('carries the command as its value', () => {
    expect(runButton('/compute fix-libvirt node-18', 'Fix libvirt on node-18')).toEqual({
      type: 'button',
      action_id: 'stackmedic_run',
      value: '/compute fix-libvirt node-18',
      text: { type: 'plain_text', text: 'Fix libvirt on node-18', emoji: true },
    });
  });
});
