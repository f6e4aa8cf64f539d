import type { RunMessageStore } from '../lifecycle/run-messages.js';
import type { OutboxStore } from '../outbox/store.js';
import type { SlackBlock } from '../router/types.js';
import type { SlackPoster } from './poster.js';

/** What an interrupted run's message says at its end. */
export function interruptedNote(at: Date): string {
  return `:warning: *Interrupted*: stackmedic stopped before this finished (noticed at ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC); nothing more of it will run. \`/cluster audit\` shows what did.`;
}

/**
 * After a start (or at shutdown): every Slack message still showing a command in progress was
 * left by a process that stopped mid-run; each is updated to say it was interrupted. A message
 * an outbox answer will replace is left to it. Returns how many were updated. Never throws.
 */
export async function announceInterrupted(o: {
  readonly runs: RunMessageStore;
  readonly outbox: OutboxStore;
  readonly poster: SlackPoster;
  readonly log: (line: string) => void;
  readonly clock?: () => Date;
}): Promise<number> {
  const now = (o.clock ?? (() => new Date()))();
  let updated = 0;
  let open;
  try {
    open = await o.runs.open();
  } catch (error) {
    o.log(`stackmedic: could not read the messages of interrupted commands: ${error instanceof Error ? error.message : String(error)}`);
    return 0;
  }
  for (const m of open) {
    try {
      if ((await o.outbox.replacing(m.channel, m.ts)).length > 0) continue;
      // The buttons of a confirmation are gone by now; its plan and status stay, then the note.
      const kept = m.content.blocks.filter((b) => b.type !== 'actions').slice(0, 49);
      const note: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: interruptedNote(now) }] };
      await o.poster.update({ channel: m.channel, ts: m.ts }, { text: `${m.content.text} (interrupted)`, blocks: [...kept, note] });
      await o.runs.announced(m.channel, m.ts);
      updated++;
    } catch {
      // Logged with a reference by the poster; the next start tries again.
    }
  }
  if (updated > 0) o.log(`stackmedic: ${updated} Slack message(s) of commands interrupted by a stop now say so.`);
  return updated;
}
