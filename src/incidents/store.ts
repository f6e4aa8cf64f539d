import type { Problem } from '../health/assess.js';
import { redact, redactDeep } from '../redact.js';
import type { CausalChain, Severity } from '../signatures/index.js';
import type { SqlExecutor, SqlStore } from '../store/sql-store.js';
import type { IncidentSnapshot } from './lifecycle.js';
import type { Evidence, Incident, IncidentEvent, IncidentEventKind, IncidentSlackRef, IncidentStatus, StoredEvidence } from './types.js';

type IncidentRow = {
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
  cluster?: string | null;
};

type EvidenceRow = {
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
};

type EventRow = {
  id: number;
  incident_id: number;
  at: string;
  kind: IncidentEventKind;
  text: string;
  actor: string | null;
  audit_id: number | null;
};

type SlackRow = {
  incident_id: number;
  channel: string;
  ts: string;
  last_event_id: number;
  summary_hash: string;
};

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
    ...(r.cluster ? { cluster: r.cluster } : {}),
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
 * Incidents in the store (schema migration 3): the incident, its evidence, its timeline and its
 * Slack message. Everything survives a restart and is shared by every replica on one PostgreSQL
 * database; nothing is kept in memory.
 */
export class IncidentStore {
  /** SQL that keeps a query to this store's cluster (nothing for an unscoped store), and its parameters. */
  private readonly scope: { readonly sql: string; readonly params: readonly string[] };

  constructor(
    private readonly store: SqlStore,
    /** Several clusters in one store: this one's incidents only (opened, listed, matched, synced). */
    readonly cluster?: string,
  ) {
    this.scope = cluster === undefined ? { sql: '', params: [] } : { sql: ' AND cluster = ?', params: [cluster] };
  }

  /** Opens an incident with its first evidence and an `opened` event; returns its id. */
  open(picture: IncidentPicture, evidence: readonly Evidence[], at: string): Promise<number> {
    return this.store.transaction(async (tx) => {
      const row = await tx.get<{ id: number }>(
        `INSERT INTO incident (status, severity, title, root_signature, root_node, chain_json, chain_text, impact_json, next_steps_json, opened_at, updated_at, last_bad_at, cluster)
         VALUES ('open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [...pictureValues(picture), at, at, at, this.cluster ?? null],
      );
      const id = Number(row?.id);
      await insertEvidence(tx, id, evidence, at);
      await insertEvent(tx, id, { at, kind: 'opened', text: `Incident opened: ${picture.title}` });
      return id;
    });
  }

  /** Replaces what the incident says about its problem, marking the check as bad. */
  async update(id: number, picture: IncidentPicture, at: string): Promise<void> {
    await this.store.run(
      `UPDATE incident SET severity = ?, title = ?, root_signature = ?, root_node = ?, chain_json = ?, chain_text = ?, impact_json = ?, next_steps_json = ?, updated_at = ?, last_bad_at = ?, green_since = NULL WHERE id = ?`,
      [...pictureValues(picture), at, at, id],
    );
  }

  /** Attaches evidence not attached yet (by key); returns what was new. */
  addEvidence(id: number, evidence: readonly Evidence[], at: string): Promise<Evidence[]> {
    return this.store.transaction((tx) => insertEvidence(tx, id, evidence, at));
  }

  /** Records a timeline event; an `action` event per audit invocation at most. Returns its id, or `null` if already there. */
  addEvent(id: number, event: NewEvent): Promise<number | null> {
    return insertEvent(this.store, id, event);
  }

  /** Starts (or keeps) the green streak. */
  async markGreen(id: number, since: string, at: string): Promise<void> {
    await this.store.run(`UPDATE incident SET green_since = ?, updated_at = ? WHERE id = ?`, [since, at, id]);
  }

  /** Resolves an open incident; returns false when it was not open. */
  resolve(id: number, at: string, by: string, resolution: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const { changes } = await tx.run(
        `UPDATE incident SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
        [at, by, redact(resolution), at, id],
      );
      if (changes === 0) return false;
      await insertEvent(tx, id, { at, kind: 'resolved', text: resolution, actor: by });
      return true;
    });
  }

  /** Reopens a resolved incident. */
  async reopen(id: number, at: string, why: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.run(
        `UPDATE incident SET status = 'open', resolved_at = NULL, resolved_by = NULL, resolution = NULL, green_since = NULL, reopen_count = reopen_count + 1, updated_at = ?, last_bad_at = ? WHERE id = ?`,
        [at, at, id],
      );
      await insertEvent(tx, id, { at, kind: 'reopened', text: why });
    });
  }

  /** One incident of this store's cluster, or undefined (another cluster's incident is not this store's). */
  async get(id: number): Promise<Incident | undefined> {
    const row = await this.store.get<IncidentRow>(`SELECT * FROM incident WHERE id = ?${this.scope.sql}`, [id, ...this.scope.params]);
    return row ? toIncident(row) : undefined;
  }

  /** The cluster an incident of any cluster belongs to (`null`: none recorded), or undefined when there is no such incident. */
  async clusterOf(id: number): Promise<string | null | undefined> {
    const row = await this.store.get<{ cluster: string | null }>(`SELECT cluster FROM incident WHERE id = ?`, [id]);
    return row ? row.cluster : undefined;
  }

  /** Incidents, newest first: open ones, or all of them. */
  async list(options: { status?: IncidentStatus; limit?: number } = {}): Promise<Incident[]> {
    const { sql, params } = this.scope;
    const rows = options.status
      ? await this.store.all<IncidentRow>(`SELECT * FROM incident WHERE status = ?${sql} ORDER BY id DESC LIMIT ?`, [
          options.status,
          ...params,
          options.limit ?? 50,
        ])
      : await this.store.all<IncidentRow>(`SELECT * FROM incident WHERE 1 = 1${sql} ORDER BY id DESC LIMIT ?`, [...params, options.limit ?? 50]);
    return rows.map(toIncident);
  }

  /** Incidents resolved at or after `since`, newest first (candidates for reopening). */
  async resolvedSince(since: string): Promise<Incident[]> {
    const { sql, params } = this.scope;
    return (
      await this.store.all<IncidentRow>(`SELECT * FROM incident WHERE status = 'resolved' AND resolved_at >= ?${sql} ORDER BY id DESC`, [since, ...params])
    ).map(toIncident);
  }

  /** When the most recent resolution happened (log records from before it are history). */
  async lastResolvedAt(): Promise<string | null> {
    const { sql, params } = this.scope;
    const row = await this.store.get<{ at: string | null }>(`SELECT MAX(resolved_at) AS at FROM incident WHERE 1 = 1${sql}`, [...params]);
    return row?.at ?? null;
  }

  /** An incident's evidence, oldest record first (unknown times last). */
  async evidence(id: number): Promise<StoredEvidence[]> {
    return (await this.store.all<EvidenceRow>(`SELECT * FROM incident_evidence WHERE incident_id = ? ORDER BY time IS NULL, time, id`, [id])).map(toEvidence);
  }

  /** An incident's timeline events after `afterId`, in order. */
  async events(id: number, afterId = 0): Promise<IncidentEvent[]> {
    return (await this.store.all<EventRow>(`SELECT * FROM incident_event WHERE incident_id = ? AND id > ? ORDER BY id`, [id, afterId])).map(toEvent);
  }

  /** Audit invocations already mirrored as `action` events of this incident. */
  async mirroredAuditIds(id: number): Promise<Set<number>> {
    const rows = await this.store.all<{ audit_id: number }>(`SELECT audit_id FROM incident_event WHERE incident_id = ? AND audit_id IS NOT NULL`, [id]);
    return new Set(rows.map((r) => Number(r.audit_id)));
  }

  /** What the lifecycle needs to match new problems against this incident. */
  async snapshot(incident: Incident): Promise<IncidentSnapshot> {
    const evidence = await this.store.all<{ key: string; signature: string; node: string }>(
      `SELECT key, signature, node FROM incident_evidence WHERE incident_id = ?`,
      [incident.id],
    );
    return {
      incident,
      evidenceKeys: new Set(evidence.map((e) => e.key)),
      signatureNodes: new Set(evidence.map((e) => `${e.signature}|${e.node}`)),
      nodes: new Set(evidence.map((e) => e.node)),
    };
  }

  /** Where the incident's Slack message is, if it was posted. */
  async slackRef(id: number): Promise<IncidentSlackRef | undefined> {
    const r = await this.store.get<SlackRow>(`SELECT * FROM incident_slack WHERE incident_id = ?`, [id]);
    return r ? { incidentId: r.incident_id, channel: r.channel, ts: r.ts, lastEventId: r.last_event_id, summaryHash: r.summary_hash } : undefined;
  }

  /** Records (or advances) the incident's Slack message state. */
  async saveSlackRef(ref: IncidentSlackRef): Promise<void> {
    await this.store.run(
      `INSERT INTO incident_slack (incident_id, channel, ts, last_event_id, summary_hash) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (incident_id) DO UPDATE SET channel = excluded.channel, ts = excluded.ts, last_event_id = excluded.last_event_id, summary_hash = excluded.summary_hash`,
      [ref.incidentId, ref.channel, ref.ts, ref.lastEventId, ref.summaryHash],
    );
  }

  /** Incidents whose Slack thread may be behind: open ones, and resolved ones with events not posted. */
  async needingSync(): Promise<Incident[]> {
    const rows = await this.store.all<IncidentRow>(
      `SELECT i.* FROM incident i LEFT JOIN incident_slack s ON s.incident_id = i.id
       WHERE (i.status = 'open' OR EXISTS (SELECT 1 FROM incident_event e WHERE e.incident_id = i.id AND e.id > COALESCE(s.last_event_id, 0)))${this.scope.sql.replace('cluster', 'i.cluster')}
       ORDER BY i.id`,
      [...this.scope.params],
    );
    return rows.map(toIncident);
  }
}

/** A timeline event to record. */
type NewEvent = { at: string; kind: IncidentEventKind; text: string; actor?: string | null; auditId?: number | null };

/** Inserts the evidence not attached yet, on `tx`; returns what was new. */
async function insertEvidence(tx: SqlExecutor, id: number, evidence: readonly Evidence[], at: string): Promise<Evidence[]> {
  const added: Evidence[] = [];
  for (const e of evidence) {
    const { changes } = await tx.run(
      `INSERT INTO incident_evidence (incident_id, key, kind, signature, node, file, line, time, fields_json, text, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [id, e.key, e.kind, e.signature, e.node, e.file ?? null, e.line ?? null, e.time, JSON.stringify(redactDeep(e.fields)), redact(e.text), at],
    );
    if (changes > 0) added.push(e);
  }
  return added;
}

/** Inserts a timeline event on `ex`; `null` when its audit invocation is already mirrored. */
async function insertEvent(ex: SqlExecutor, id: number, event: NewEvent): Promise<number | null> {
  const row = await ex.get<{ id: number }>(
    `INSERT INTO incident_event (incident_id, at, kind, text, actor, audit_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
    [id, event.at, event.kind, redact(event.text), event.actor ?? null, event.auditId ?? null],
  );
  return row ? Number(row.id) : null;
}
