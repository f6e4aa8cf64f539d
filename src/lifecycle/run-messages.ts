import type { SlackBlock } from '../router/types.js';
import type { SqlStore } from '../store/sql-store.js';

/** What a message showed last: enough to redraw it after a restart. */
export interface ShownContent {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** A Slack message that was showing a command in progress when stackmedic last stopped. */
export interface OpenRunMessage {
  readonly channel: string;
  readonly ts: string;
  readonly openedAt: Date;
  readonly content: ShownContent;
}

type Row = {
  channel: string;
  ts: string;
  opened_at: string;
  content_json: string;
};

/**
 * Remembers, in the store, every Slack message that shows a command still running ("step 2/4:
 * ..."): a process killed mid-runbook cannot update it, so the next start can, from here.
 */
export class RunMessageStore {
  constructor(
    private readonly store: SqlStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The message now shows a running command, with this content (already redacted). */
  async showing(channel: string, ts: string, content: ShownContent): Promise<void> {
    const now = this.clock().toISOString();
    await this.store.run(
      `INSERT INTO slack_run_message (channel, ts, opened_at, content_json, state, updated_at) VALUES (?, ?, ?, ?, 'running', ?)
       ON CONFLICT (channel, ts) DO UPDATE SET content_json = excluded.content_json, state = 'running', updated_at = excluded.updated_at`,
      [channel, ts, now, JSON.stringify({ text: content.text, blocks: content.blocks }), now],
    );
  }

  /** The message shows its final state now (result, refusal, cancellation). */
  async settled(channel: string, ts: string): Promise<void> {
    await this.store.run(`UPDATE slack_run_message SET state = 'settled', updated_at = ? WHERE channel = ? AND ts = ? AND state = 'running'`, [
      this.clock().toISOString(),
      channel,
      ts,
    ]);
  }

  /** Messages still showing a running command, oldest first. */
  async open(): Promise<OpenRunMessage[]> {
    return (await this.store.all<Row>(`SELECT channel, ts, opened_at, content_json FROM slack_run_message WHERE state = 'running' ORDER BY opened_at`)).map(
      (r) => ({
        channel: r.channel,
        ts: r.ts,
        openedAt: new Date(r.opened_at),
        content: JSON.parse(r.content_json) as ShownContent,
      }),
    );
  }

  /** The message now says its command was interrupted. */
  async announced(channel: string, ts: string): Promise<void> {
    await this.store.run(`UPDATE slack_run_message SET state = 'announced', updated_at = ? WHERE channel = ? AND ts = ?`, [
      this.clock().toISOString(),
      channel,
      ts,
    ]);
  }
}
