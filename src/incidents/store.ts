import type { Problem } from '../health/assess.js';
import { redact, redactDeep } from '../redact.js';
import type { CausalChain, Severity } from '../signatures/index.js';
import type { Db } from '../store/database.js';
import type { IncidentSnapshot } from './lifecycle.js';
import type { Evidence, Incident, IncidentEvent, IncidentEventKind, IncidentSlackRef, IncidentStatus, StoredEvidence } from './types.js';

interface IncidentRow {
  id: number;
  status: IncidentStatus;
  severity: Severity;
  title: string;
  root_signature: string;
  root_node: string;
  chain_json: string | null;
  chain_text: string;
  impact_json: string;
  next_steps_json: string;
  opened_at: string;
  updated_at: string;
  last_bad_at: string;
  green_since: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  reopen_count: number;
}

interface EvidenceRow {
  id: number;
  incident_id: number;
  key: string;
  kind: 'probe' | 'log';
  signature: string;
  node: string;
  file: string | null;
  line: number | null;
  time: string | null;
  fields_json: string;
  text: string;
  first_seen_at: string;
}

interface EventRow {
  id: number;
  incident_id: number;
  at: string;
  kind: IncidentEventKind;
  text: string;
  actor: string | null;
  audit_id: number | null;
}

interface SlackRow {
  incident_id: number;
  channel: string;
  ts: string;
  last_event_id: number;
  summary_hash: string;
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    status: r.status,
    severity: r.severity,
    title: r.title,
    root: { signature: r.root_signature, node: r.root_node },
    chain: r.chain_json ? (JSON.parse(r.chain_json) as CausalChain) : null,
    chainText: r.chain_text,
    impact: JSON.parse(r.impact_json) as Problem[],
    nextSteps: JSON.parse(r.next_steps_json) as string[],
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    lastBadAt: r.last_bad_at,
    greenSince: r.green_since,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
    reopenCount: r.reopen_count,
  };
}

function toEvidence(r: EvidenceRow): StoredEvidence {
  return {
    id: r.id,
    incidentId: r.incident_id,
    key: r.key,
    kind: r.kind,
    signature: r.signature,
    node: r.node,
    file: r.file ?? undefined,
    line: r.line ?? undefined,
    time: r.time,
    fields: JSON.parse(r.fields_json) as Record<string, string>,
    text: r.text,
    firstSeenAt: r.first_seen_at,
  };
}

function toEvent(r: EventRow): IncidentEvent {
  return { id: r.id, incidentId: r.incident_id, at: r.at, kind: r.kind, text: r.text, actor: r.actor, auditId: r.audit_id };
}

/** What describes an incident's problem now (written on open and on every bad check). */
export interface IncidentPicture {
  readonly severity: Severity;
  readonly title: string;
  readonly root: { readonly signature: string; readonly node: string };
  readonly chain: CausalChain | null;
  readonly chainText: string;
  readonly impact: readonly Problem[];
  readonly nextSteps: readonly string[];
}

/**
 * The columns severity .. next_steps_json, in table order, of an incident's picture. Everything
 * kept for display is redacted on the way in, like every text the store keeps from nodes.
 */
function pictureValues(picture: IncidentPicture): (string | null)[] {
  return [
    picture.severity,
    redact(picture.title),
    picture.root.signature,
    picture.root.node,
    picture.chain ? JSON.stringify(redactDeep(picture.chain)) : null,
    redact(picture.chainText),
    JSON.stringify(redactDeep(picture.impact)),
    JSON.stringify(redactDeep(picture.nextSteps)),
  ];
}

/**
 * Incidents in the embedded SQLite store (schema migration 3): the incident, its evidence, its
 * timeline and its Slack message. Everything survives a restart; nothing is kept in memory.
 */
export class IncidentStore {
  constructor(private readonly db: Db) {}

  /** Opens an incident with its first evidence and an `opened` event; returns its id. */
  open(picture: IncidentPicture, evidence: readonly Evidence[], at: string): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO incident (status, severity, title, root_signature, root_node, chain_json, chain_text, impact_json, next_steps_json, opened_at, updated_at, last_bad_at)
             VALUES ('open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(...pictureValues(picture), at, at, at).lastInsertRowid,
      );
      this.addEvidence(id, evidence, at);
      this.addEvent(id, { at, kind: 'opened', text: `Incident opened: ${picture.title}` });
      return id;
    })();
  }

  /** Replaces what the incident says about its problem, marking the check as bad. */
  update(id: number, picture: IncidentPicture, at: string): void {
    this.db
      .prepare(
        `UPDATE incident SET severity = ?, title = ?, root_signature = ?, root_node = ?, chain_json = ?, chain_text = ?, impact_json = ?, next_steps_json = ?, updated_at = ?, last_bad_at = ?, green_since = NULL WHERE id = ?`,
      )
      .run(...pictureValues(picture), at, at, id);
  }

  /** Attaches evidence not attached yet (by key); returns what was new. */
  addEvidence(id: number, evidence: readonly Evidence[], at: string): Evidence[] {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO incident_evidence (incident_id, key, kind, signature, node, file, line, time, fields_json, text, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() =>
      evidence.filter(
        (e) =>
          insert.run(id, e.key, e.kind, e.signature, e.node, e.file ?? null, e.line ?? null, e.time, JSON.stringify(redactDeep(e.fields)), redact(e.text), at)
            .changes > 0,
      ),
    )();
  }

  /** Records a timeline event; an `action` event per audit invocation at most. Returns its id, or `null` if already there. */
  addEvent(id: number, event: { at: string; kind: IncidentEventKind; text: string; actor?: string | null; auditId?: number | null }): number | null {
    const info = this.db
      .prepare(`INSERT OR IGNORE INTO incident_event (incident_id, at, kind, text, actor, audit_id) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(id, event.at, event.kind, redact(event.text), event.actor ?? null, event.auditId ?? null);
    return info.changes > 0 ? Number(info.lastInsertRowid) : null;
  }

  /** Starts (or keeps) the green streak. */
  markGreen(id: number, since: string, at: string): void {
    this.db.prepare(`UPDATE incident SET green_since = ?, updated_at = ? WHERE id = ?`).run(since, at, id);
  }

  /** Resolves an open incident; returns false when it was not open. */
  resolve(id: number, at: string, by: string, resolution: string): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(`UPDATE incident SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?, updated_at = ? WHERE id = ? AND status = 'open'`)
        .run(at, by, redact(resolution), at, id).changes;
      if (changed === 0) return false;
      this.addEvent(id, { at, kind: 'resolved', text: resolution, actor: by });
      return true;
    })();
  }

  /** Reopens a resolved incident. */
  reopen(id: number, at: string, why: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE incident SET status = 'open', resolved_at = NULL, resolved_by = NULL, resolution = NULL, green_since = NULL, reopen_count = reopen_count + 1, updated_at = ?, last_bad_at = ? WHERE id = ?`,
        )
        .run(at, at, id);
      this.addEvent(id, { at, kind: 'reopened', text: why });
    })();
  }

  /** One incident, or undefined. */
  get(id: number): Incident | undefined {
    const row = this.db.prepare(`SELECT * FROM incident WHERE id = ?`).get(id) as IncidentRow | undefined;
    return row ? toIncident(row) : undefined;
  }

  /** Incidents, newest first: open ones, or all of them. */
  list(options: { status?: IncidentStatus; limit?: number } = {}): Incident[] {
    const rows = (
      options.status
        ? this.db.prepare(`SELECT * FROM incident WHERE status = ? ORDER BY id DESC LIMIT ?`).all(options.status, options.limit ?? 50)
        : this.db.prepare(`SELECT * FROM incident ORDER BY id DESC LIMIT ?`).all(options.limit ?? 50)
    ) as IncidentRow[];
    return rows.map(toIncident);
  }

  /** Incidents resolved at or after `since`, newest first (candidates for reopening). */
  resolvedSince(since: string): Incident[] {
    return (this.db.prepare(`SELECT * FROM incident WHERE status = 'resolved' AND resolved_at >= ? ORDER BY id DESC`).all(since) as IncidentRow[]).map(
      toIncident,
    );
  }

  /** When the most recent resolution happened (log records from before it are history). */
  lastResolvedAt(): string | null {
    const row = this.db.prepare(`SELECT MAX(resolved_at) AS at FROM incident`).get() as { at: string | null };
    return row.at;
  }

  /** An incident's evidence, oldest record first (unknown times last). */
  evidence(id: number): StoredEvidence[] {
    return (this.db.prepare(`SELECT * FROM incident_evidence WHERE incident_id = ? ORDER BY time IS NULL, time, id`).all(id) as EvidenceRow[]).map(toEvidence);
  }

  /** An incident's timeline events after `afterId`, in order. */
  events(id: number, afterId = 0): IncidentEvent[] {
    return (this.db.prepare(`SELECT * FROM incident_event WHERE incident_id = ? AND id > ? ORDER BY id`).all(id, afterId) as EventRow[]).map(toEvent);
  }

  /** Audit invocations already mirrored as `action` events of this incident. */
  mirroredAuditIds(id: number): Set<number> {
    const rows = this.db.prepare(`SELECT audit_id FROM incident_event WHERE incident_id = ? AND audit_id IS NOT NULL`).all(id) as { audit_id: number }[];
    return new Set(rows.map((r) => r.audit_id));
  }

  /** What the lifecycle needs to match new problems against this incident. */
  snapshot(incident: Incident): IncidentSnapshot {
    const evidence = this.db.prepare(`SELECT key, signature, node FROM incident_evidence WHERE incident_id = ?`).all(incident.id) as {
      key: string;
      signature: string;
      node: string;
    }[];
    return {
      incident,
      evidenceKeys: new Set(evidence.map((e) => e.key)),
      signatureNodes: new Set(evidence.map((e) => `${e.signature}|${e.node}`)),
      nodes: new Set(evidence.map((e) => e.node)),
    };
  }

  /** Where the incident's Slack message is, if it was posted. */
  slackRef(id: number): IncidentSlackRef | undefined {
    const r = this.db.prepare(`SELECT * FROM incident_slack WHERE incident_id = ?`).get(id) as SlackRow | undefined;
    return r ? { incidentId: r.incident_id, channel: r.channel, ts: r.ts, lastEventId: r.last_event_id, summaryHash: r.summary_hash } : undefined;
  }

  /** Records (or advances) the incident's Slack message state. */
  saveSlackRef(ref: IncidentSlackRef): void {
    this.db
      .prepare(
        `INSERT INTO incident_slack (incident_id, channel, ts, last_event_id, summary_hash) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (incident_id) DO UPDATE SET channel = excluded.channel, ts = excluded.ts, last_event_id = excluded.last_event_id, summary_hash = excluded.summary_hash`,
      )
      .run(ref.incidentId, ref.channel, ref.ts, ref.lastEventId, ref.summaryHash);
  }

  /** Incidents whose Slack thread may be behind: open ones, and resolved ones with events not posted. */
  needingSync(): Incident[] {
    const rows = this.db
      .prepare(
        `SELECT i.* FROM incident i LEFT JOIN incident_slack s ON s.incident_id = i.id
         WHERE i.status = 'open' OR EXISTS (SELECT 1 FROM incident_event e WHERE e.incident_id = i.id AND e.id > COALESCE(s.last_event_id, 0))
         ORDER BY i.id`,
      )
      .all() as IncidentRow[];
    return rows.map(toIncident);
  }
}
