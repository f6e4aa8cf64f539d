import type { Reply } from '../router/types.js';
import type { RunbookReport } from './types.js';

const MARK: Record<string, string> = { ok: '✔', failed: '✘', refused: '⛔', skipped: '·', planned: '○' };

/** A runbook report as a reply: verdict first, then one line per step. */
export function renderRunbookReport(report: RunbookReport): Reply {
  const title =
    report.status === 'succeeded'
      ? `${report.title}: done, verified.`
      : report.status === 'planned'
        ? `${report.title}: dry run (checks only, nothing changed).`
        : report.status === 'refused'
          ? `${report.title}: refused: ${report.reason ?? ''}`
          : `${report.title}: FAILED: ${report.reason ?? ''}`;
  const lines = report.steps.map((s) => {
    const head = `${MARK[s.status] ?? '?'} ${s.index}. ${s.description}${s.node ? ` [${s.node}]` : ''}`;
    const cmd = s.command ? `\n     $ ${s.command}` : '';
    const detail = s.detail ? `\n     ${s.detail.split('\n').join('\n     ')}` : '';
    return head + cmd + detail;
  });
  if (report.state) lines.push(`State now: ${report.state}`);
  if (report.notes && report.notes.length > 0) lines.push('Still to do elsewhere:', ...report.notes.map((n) => `  - ${n}`));
  if (report.next) lines.push(`Next: ${report.next}`);
  return { ok: report.status === 'succeeded' || report.status === 'planned', title, text: lines.join('\n'), data: report };
}
