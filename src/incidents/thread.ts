import { createHash } from 'node:crypto';
import { mrkdwnToBlocks } from '../render/templates.js';
import type { Reply, SlackBlock } from '../router/types.js';
import type { Signature } from '../signatures/index.js';
import type { IncidentPublisher } from './publisher.js';
import { summaryReply } from './report.js';
import type { IncidentStore } from './store.js';
import type { Incident, IncidentEvent } from './types.js';
import { isUnrecognisedEvidence } from './unrecognised-evidence.js';

/** What one sync did in Slack, for logs and tests. */
export interface ThreadSync {
  readonly incidentId: number;
  readonly posted: boolean;
  readonly updated: boolean;
  readonly replies: number;
}

/** Options of the incident thread. */
export interface IncidentThreadOptions {
  readonly publisher: IncidentPublisher;
  readonly store: IncidentStore;
  readonly channel: string;
  readonly clock: () => Date;
  readonly resolveAfterMinutes?: number;
  /** Blocks to add under an event's reply (an alert note's Silence buttons). */
  readonly eventBlocks?: (incident: Incident, event: IncidentEvent) => readonly SlackBlock[];
}

function hashOf(reply: Reply): string {
  return createHash('sha1')
    .update(JSON.stringify([reply.title, reply.blocks]))
    .digest('hex');
}

/**
 * An incident in a chat channel (Slack, or the console): one message in the ops channel whose content is the summary, updated in
 * place when the summary changes (and only then), and a thread under it with one reply per new
 * timeline event: the full evidence when it opens, new evidence, every action taken, green,
 * resolved, reopened. What was posted is recorded in the store after each call, so a restart or
 * a failed call never posts the same thing twice and never loses what is left to post.
 */
export class IncidentThread {
  constructor(private readonly options: IncidentThreadOptions) {}

  /** Brings the incident's Slack message and thread up to date. */
  async sync(incident: Incident, signatures: readonly Signature[]): Promise<ThreadSync> {
    const { store, publisher, channel } = this.options;
    let ref = await store.slackRef(incident.id);
    // A resolved incident that never reached Slack (Slack was off then) is history, not news.
    if (!ref && incident.status === 'resolved') return { incidentId: incident.id, posted: false, updated: false, replies: 0 };
    const reply = summaryReply({
      incident,
      evidence: await store.evidence(incident.id),
      events: await store.events(incident.id),
      signatures,
      now: this.options.clock().toISOString(),
      ...(this.options.resolveAfterMinutes !== undefined ? { resolveAfterMinutes: this.options.resolveAfterMinutes } : {}),
    });
    const hash = hashOf(reply);
    let posted = false;
    let updated = false;
    if (!ref) {
      const message = await publisher.postReply(channel, reply);
      ref = { incidentId: incident.id, channel: message.channel, ts: message.ts, lastEventId: 0, summaryHash: hash };
      await store.saveSlackRef(ref);
      posted = true;
    } else if (ref.summaryHash !== hash) {
      await publisher.updateReply({ channel: ref.channel, ts: ref.ts }, reply);
      ref = { ...ref, summaryHash: hash };
      await store.saveSlackRef(ref);
      updated = true;
    }
    let replies = 0;
    for (const event of await store.events(incident.id, ref.lastEventId)) {
      const threadReply = await this.eventReply(incident, event);
      if (threadReply) {
        await publisher.postReply(ref.channel, threadReply, { threadTs: ref.ts });
        replies++;
      }
      ref = { ...ref, lastEventId: event.id };
      await store.saveSlackRef(ref);
    }
    return { incidentId: incident.id, posted, updated, replies };
  }

  private async eventReply(incident: Incident, event: IncidentEvent): Promise<Reply | null> {
    const { store } = this.options;
    if (event.kind === 'opened') {
      const evidence = (await store.evidence(incident.id)).filter((e) => e.firstSeenAt <= event.at && !isUnrecognisedEvidence(e));
      const text = evidenceLines(evidence, 40);
      return { ok: false, title: `Evidence (${evidence.length} records)`, text, blocks: mrkdwnToBlocks(text) };
    }
    const titles: Record<IncidentEvent['kind'], string> = {
      opened: 'Opened',
      evidence: 'New evidence',
      'root-changed': 'Root cause revised',
      green: 'Checks are green',
      resolved: 'Resolved',
      reopened: 'Reopened',
      action: 'Action taken',
      note: 'Note',
    };
    // Evidence events are written as mrkdwn already (evidenceLines); the rest is plain text.
    const text = event.kind === 'evidence' ? event.text : escapeSlack(event.text);
    return {
      ok: event.kind !== 'reopened',
      title: `${titles[event.kind]}${event.actor && event.kind !== 'action' ? ` (${event.actor})` : ''}`,
      text: event.text,
      blocks: [...mrkdwnToBlocks(text), ...(this.options.eventBlocks?.(incident, event) ?? [])],
    };
  }
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Evidence as thread lines: place, time, signature, and the record itself. */
export function evidenceLines(
  evidence: readonly {
    node: string;
    file?: string | undefined;
    line?: number | undefined;
    kind: string;
    time: string | null;
    signature: string;
    text: string;
  }[],
  limit: number,
): string {
  const lines = evidence.slice(0, limit).map((e) => {
    const ref = e.kind === 'log' && e.file ? `${e.node}:${e.file}:${e.line ?? '?'}` : `${e.node} (probe)`;
    const time = e.time ? ` ${e.time.slice(0, 19).replace('T', ' ')}` : '';
    return `• \`${ref}\`${time} *${e.signature}*\n> ${escapeSlack(e.text.slice(0, 240))}`;
  });
  if (evidence.length > limit) lines.push(`_and ${evidence.length - limit} more_`);
  return lines.join('\n');
}
