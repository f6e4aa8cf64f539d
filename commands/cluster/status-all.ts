import type { Verdict } from '../../src/health/assess.js';
import type { DispatchResult } from '../../src/router/router.js';
import type { Reply } from '../../src/router/types.js';
import { table } from '../../src/render/table.js';

/** One cluster's `/cluster status` answer, as the ClusterRouter collected it. */
export interface ClusterStatusResult {
  readonly cluster: string;
  readonly result: DispatchResult;
}

/** The verdict of one cluster's status, or `ERROR` when its status did not come back as a report. */
type Line = { readonly cluster: string; readonly verdict: Verdict | 'ERROR'; readonly headline: string; readonly reply: Reply | undefined };

function lineOf({ cluster, result }: ClusterStatusResult): Line {
  if (result.kind !== 'reply') return { cluster, verdict: 'ERROR', headline: 'asked for a confirmation, which /cluster status never does', reply: undefined };
  const data = result.reply.data as { report?: { verdict?: Verdict; headline?: string } } | undefined;
  const verdict = data?.report?.verdict;
  // A status that failed (internal error, refusal) has no report: said so, never taken for healthy.
  if (!verdict) return { cluster, verdict: 'ERROR', headline: result.reply.title, reply: result.reply };
  return { cluster, verdict, headline: data.report?.headline ?? result.reply.title, reply: result.reply };
}

/** Worst first: what an operator looks at first across clusters. */
const ORDER: Readonly<Record<Line['verdict'], number>> = { ERROR: 0, CRITICAL: 1, DEGRADED: 2, INCOMPLETE: 3, HEALTHY: 4 };

/**
 * `/cluster status --all`: one line per cluster (in inventory order), then, for every cluster that
 * is not HEALTHY, its own status (what is wrong where). ok only when every cluster is HEALTHY.
 */
export function combineClusterStatuses(results: readonly ClusterStatusResult[]): Reply {
  const lines = results.map(lineOf);
  const bad = lines.filter((l) => l.verdict !== 'HEALTHY');
  const worst = [...lines].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict])[0];
  const title =
    bad.length === 0
      ? `HEALTHY: all ${lines.length} clusters, no problems found`
      : `${worst?.verdict ?? 'ERROR'}: ${bad.length} of ${lines.length} clusters not healthy (${bad.map((l) => `${l.cluster} ${l.verdict}`).join(', ')})`;
  const summary = table([['CLUSTER', 'VERDICT', 'DETAIL'], ...lines.map((l) => [l.cluster, l.verdict, l.headline])]);
  const details = bad.map((l) => [`── ${l.cluster}: ${l.headline}`, (l.reply?.text ?? '').replace(/\n+$/, '')].filter(Boolean).join('\n'));
  return {
    ok: bad.length === 0,
    title,
    text: [summary, ...details].join('\n\n') + '\n',
    data: {
      clusters: lines.map((l) => ({ cluster: l.cluster, verdict: l.verdict, headline: l.headline, status: l.reply?.data })),
    },
  };
}
