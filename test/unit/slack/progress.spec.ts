import { describe, expect, it } from 'vitest';
import type { Logger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import type { PostedMessage, SlackPoster } from '../../../src/slack/poster.js';
import { ProgressMessage } from '../../../src/slack/progress.js';
import type { SlackMessage } from '../../../src/slack/render.js';

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.INFO,
  setName: () => undefined,
};

function fakePoster(delayMs = 5) {
  const sent: { kind: 'post' | 'update'; text: string }[] = [];
  const poster = {
    async post(_channel: string, m: SlackMessage): Promise<PostedMessage> {
      await new Promise((r) => setTimeout(r, delayMs));
      sent.push({ kind: 'post', text: m.text });
      return { channel: 'C1', ts: '1.1' };
    },
    async update(_ref: PostedMessage, m: SlackMessage): Promise<void> {
      await new Promise((r) => setTimeout(r, delayMs));
      sent.push({ kind: 'update', text: m.text });
    },
  };
  return { poster: poster as unknown as SlackPoster, sent };
}

describe('ProgressMessage', () => {
  it('posts at the first step, then updates in place: steps within the interval collapse to the latest', async () => {
    const { poster, sent } = fakePoster();
    const p = new ProgressMessage(poster, 'C1', (s) => ({ text: s, blocks: [] }), quiet, { minIntervalMs: 100 });
    p.report('step 1/5: stopping nova-compute...');
    p.report('step 2/5: stopping libvirtd...');
    p.report('step 3/5: starting libvirtd...');
    await new Promise((r) => setTimeout(r, 250));
    p.report('step 4/5: waiting for the libvirt socket...');
    p.report('step 5/5: starting nova-compute...');
    await new Promise((r) => setTimeout(r, 250));
    expect(await p.finish()).toEqual({ channel: 'C1', ts: '1.1' });
    expect(sent).toEqual([
      { kind: 'post', text: 'step 1/5: stopping nova-compute...' },
      { kind: 'update', text: 'step 3/5: starting libvirtd...' },
      { kind: 'update', text: 'step 4/5: waiting for the libvirt socket...' },
      { kind: 'update', text: 'step 5/5: starting nova-compute...' },
    ]);
  });

  it('posts nothing when the command reports no step', async () => {
    const { poster, sent } = fakePoster();
    const p = new ProgressMessage(poster, 'C1', (s) => ({ text: s, blocks: [] }), quiet);
    expect(await p.finish()).toBeUndefined();
    expect(sent).toEqual([]);
  });

  it('stops updating once finished', async () => {
    const { poster, sent } = fakePoster();
    const p = new ProgressMessage(poster, 'C1', (s) => ({ text: s, blocks: [] }), quiet, { minIntervalMs: 10 });
    p.report('a');
    await p.finish();
    p.report('b');
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.map((s) => s.text)).toEqual(['a']);
  });

  it('survives a failing Slack call', async () => {
    const poster = { post: async () => Promise.reject(new Error('boom')), update: async () => undefined } as unknown as SlackPoster;
    const p = new ProgressMessage(poster, 'C1', (s) => ({ text: s, blocks: [] }), quiet);
    p.report('a');
    await expect(p.finish()).resolves.toBeUndefined();
  });
});
