import type { SqlStore } from '../store/sql-store.js';

/**
 * Signature hit statistics (issue 13, after elastic-recheck's classification rate): for every
 * scheduled check, which signatures fired (with how many evidence records) and how many of the
 * error records its log fetch saw a signature recognised. Kept on the async store interface, so
 * that it runs on SQLite and on the PostgreSQL the replicas share.
 */

/** Checks older than this many days are dropped as new ones are recorded. */
export const STATS_RETENTION_DAYS = 90;

const DAY_MS = 86_400_000;

/** What one scheduled check adds to the statistics. */
export interface CheckHits {
  readonly at: Date;
  readonly cluster: string;
  /** Evidence records per signature that fired. */
  readonly signatures: ReadonlyMap<string, number>;
  /** Error records the check's log fetch saw, and how many of them a signature recognised. */
  readonly errors: number;
  readonly classified: number;
}

/** The part of a check result the statistics read (the incident check's `CheckResult` is one). */
export interface CheckOutcome {
  readonly at: Date;
  readonly evidence: readonly { readonly signature: string }[];
  readonly unrecognised: { readonly classification: { readonly errors: number; readonly classified: number } };
}

/** The hits of one check result. */
export function hitsOf(check: CheckOutcome, cluster: string): CheckHits {
  const signatures = new Map<string, number>();
  for (const e of check.evidence) signatures.set(e.signature, (signatures.get(e.signature) ?? 0) + 1);
  const { errors, classified } = check.unrecognised.classification;
  return { at: check.at, cluster, signatures, errors, classified };
}

/** One UTC day of checks. */
export interface DayStats {
  /** `YYYY-MM-DD` (UTC). */
  readonly date: string;
  readonly checks: number;
  readonly errors: number;
  readonly classified: number;
  /** `classified / errors`, or `null` when no error record was seen that day (unknown, not 100 %). */
  readonly rate: number | null;
}

/** How often one signature fired in the window. */
export interface SignatureStats {
  readonly signature: string;
  /** Checks it fired in. */
  readonly checks: number;
  /** Evidence records over those checks. */
  readonly hits: number;
}

/** The statistics of the last days. */
export interface StatsWindow {
  readonly days: number;
  readonly from: string;
  readonly to: string;
  readonly checks: number;
  readonly errors: number;
  readonly classified: number;
  readonly rate: number | null;
  /** Every day of the window, oldest first, days without checks included. */
  readonly perDay: readonly DayStats[];
  /** Most frequent first. */
  readonly signatures: readonly SignatureStats[];
}

function rateOf(classified: number, errors: number): number | null {
  return errors === 0 ? null : classified / errors;
}

/** The statistics table pair of the store. */
export class CheckStats {
  constructor(private readonly store: SqlStore) {}

  /** Records one check (and drops checks older than the retention). */
  async record(hits: CheckHits): Promise<void> {
    const atMs = hits.at.getTime();
    const cutoff = atMs - STATS_RETENTION_DAYS * DAY_MS;
    await this.store.transaction(async (tx) => {
      const row = await tx.get<{ id: number | string }>('INSERT INTO check_run (at, at_ms, cluster, errors, classified) VALUES (?, ?, ?, ?, ?) RETURNING id', [
        hits.at.toISOString(),
        atMs,
        hits.cluster,
        hits.errors,
        hits.classified,
      ]);
      if (!row) throw new Error('while recording a check: the store returned no id');
      for (const [signature, n] of hits.signatures) {
        await tx.run('INSERT INTO check_signature_hit (check_id, signature, hits) VALUES (?, ?, ?)', [Number(row.id), signature, n]);
      }
      await tx.run('DELETE FROM check_signature_hit WHERE check_id IN (SELECT id FROM check_run WHERE at_ms < ?)', [cutoff]);
      await tx.run('DELETE FROM check_run WHERE at_ms < ?', [cutoff]);
    });
  }

  /** The last `days` UTC days up to `now` (today included) of one cluster's checks; `top` signatures at most. */
  async window(options: { readonly days: number; readonly now: Date; readonly cluster: string; readonly top?: number }): Promise<StatsWindow> {
    const today = Math.floor(options.now.getTime() / DAY_MS);
    const fromDay = today - options.days + 1;
    const params = [fromDay * DAY_MS, (today + 1) * DAY_MS, options.cluster];
    const rows = await this.store.all<{ day: number | string; checks: number | string; errors: number | string; classified: number | string }>(
      `SELECT at_ms / ${DAY_MS} AS day, COUNT(*) AS checks, SUM(errors) AS errors, SUM(classified) AS classified
         FROM check_run WHERE at_ms >= ? AND at_ms < ? AND cluster = ? GROUP BY at_ms / ${DAY_MS}`,
      params,
    );
    const byDay = new Map(rows.map((r) => [Number(r.day), { checks: Number(r.checks), errors: Number(r.errors), classified: Number(r.classified) }]));
    const perDay: DayStats[] = [];
    for (let d = fromDay; d <= today; d++) {
      const s = byDay.get(d) ?? { checks: 0, errors: 0, classified: 0 };
      perDay.push({ date: new Date(d * DAY_MS).toISOString().slice(0, 10), ...s, rate: rateOf(s.classified, s.errors) });
    }
    const signatures = await this.store.all<{ signature: string; checks: number | string; hits: number | string }>(
      `SELECT h.signature AS signature, COUNT(*) AS checks, SUM(h.hits) AS hits
         FROM check_signature_hit h JOIN check_run c ON c.id = h.check_id
        WHERE c.at_ms >= ? AND c.at_ms < ? AND c.cluster = ?
        GROUP BY h.signature ORDER BY COUNT(*) DESC, SUM(h.hits) DESC, h.signature LIMIT ?`,
      [...params, options.top ?? 10],
    );
    const checks = perDay.reduce((n, d) => n + d.checks, 0);
    const errors = perDay.reduce((n, d) => n + d.errors, 0);
    const classified = perDay.reduce((n, d) => n + d.classified, 0);
    return {
      days: options.days,
      from: new Date(fromDay * DAY_MS).toISOString(),
      to: options.now.toISOString(),
      checks,
      errors,
      classified,
      rate: rateOf(classified, errors),
      perDay,
      signatures: signatures.map((s) => ({ signature: s.signature, checks: Number(s.checks), hits: Number(s.hits) })),
    };
  }
}
