import { createHash } from 'node:crypto';
import type { Classification, UnrecognisedGroup } from '../signatures/index.js';
import type { Evidence } from './types.js';

/**
 * What a check's fetched logs held that no signature knows, kept with the incident as one evidence
 * row of the existing `probe` kind whose `fields.json` is the body. A new row is added only when
 * the body changes (its key is the body's digest); views read the newest. Being evidence, it is
 * stored, replicated and redacted like the rest, and needs no schema change; the lifecycle and the
 * views leave it out of chains, problems and evidence counts.
 */

/** The pseudo-signature of that row: no catalog signature may take it (ids are kebab-case words). */
export const UNRECOGNISED_SIGNATURE = 'stackmedic:unrecognised';

/** The row's node: no inventory node can be named so (names have no spaces), so it never makes an incident "on" a node. */
const NODE = 'fetched logs';

/** Groups kept with an incident (the views show 5). */
const KEPT_GROUPS = 10;
const TEMPLATE_CHARS = 300;

/** Error records of one check's fetched logs that no signature claimed, grouped. */
export interface LogErrors {
  /** False when no node's logs were fetched: nothing was classified (not "100 % recognised"). */
  readonly fetched: boolean;
  /** Nodes whose logs were fetched and read. */
  readonly nodes: readonly string[];
  /** Largest first, at most `KEPT_GROUPS` once stored. */
  readonly groups: readonly UnrecognisedGroup[];
  /** Groups beyond those kept. */
  readonly moreGroups: number;
  /** Unclaimed records past the miner's template bound. */
  readonly other: number;
  readonly classification: Classification;
  /** Some node's error fetch was cut at its byte cap: counts are of its newest records. */
  readonly truncated: boolean;
}

/** True for the row holding an incident's unrecognised errors. */
export function isUnrecognisedEvidence(e: Pick<Evidence, 'signature'>): boolean {
  return e.signature === UNRECOGNISED_SIGNATURE;
}

/** The evidence row for a check's unrecognised errors, observed at `at`. */
export function unrecognisedEvidence(errors: LogErrors, at: string): Evidence {
  const kept: LogErrors = {
    ...errors,
    groups: errors.groups.slice(0, KEPT_GROUPS).map((g) => ({ ...g, template: g.template.slice(0, TEMPLATE_CHARS) })),
    moreGroups: errors.moreGroups + Math.max(0, errors.groups.length - KEPT_GROUPS),
  };
  const body = JSON.stringify(kept);
  const digest = createHash('sha1').update(body).digest('hex').slice(0, 16);
  return {
    key: `unrecognised|${digest}`,
    kind: 'probe',
    signature: UNRECOGNISED_SIGNATURE,
    node: NODE,
    time: at,
    fields: { json: body },
    text: classificationLine(kept),
  };
}

/** The newest unrecognised-errors row of an incident's evidence, read back; `null` when there is none or it is unreadable. */
export function latestLogErrors(evidence: readonly (Evidence & { readonly firstSeenAt?: string; readonly id?: number })[]): LogErrors | null {
  const rows = evidence.filter(isUnrecognisedEvidence);
  const newest = rows.reduce<(typeof rows)[number] | undefined>(
    (best, e) => (!best || (e.firstSeenAt ?? '') > (best.firstSeenAt ?? '') || (e.firstSeenAt === best.firstSeenAt && (e.id ?? 0) > (best.id ?? 0)) ? e : best),
    undefined,
  );
  if (!newest?.fields.json) return null;
  try {
    const parsed = JSON.parse(newest.fields.json) as LogErrors;
    return Array.isArray(parsed.groups) && typeof parsed.classification === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * One line for people: "412 error records in the fetched logs, 96 % recognised; 3 unrecognised
 * groups", "all 57 error records in the fetched logs recognised", "no error record in the fetched
 * logs", or "no logs were fetched". The share is rounded down, so 99.6 % is not shown as 100 %.
 */
export function classificationLine(errors: LogErrors): string {
  if (!errors.fetched) return 'no logs were fetched, so no error record was classified';
  const { errors: total, rate } = errors.classification;
  const cut = errors.truncated ? ' (the newest, under the fetch cap)' : '';
  if (total === 0 || rate === null) return `no error record in the fetched logs${cut}`;
  const records = `${total} error record${total === 1 ? '' : 's'}`;
  const groups = errors.groups.length + errors.moreGroups;
  if (groups === 0 && errors.other === 0) return `${total === 1 ? 'the one error record' : `all ${records}`} in the fetched logs recognised${cut}`;
  const other = errors.other > 0 ? ` and ${errors.other} beyond the template bound` : '';
  return `${records} in the fetched logs${cut}, ${Math.floor(rate * 100)} % recognised; ${groups} unrecognised group${groups === 1 ? '' : 's'}${other}`;
}
