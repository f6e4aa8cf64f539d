/** The doctor's report as people read it (one line per check) and as `--json` prints it. */
import { CHECK_GROUPS, type CheckGroup, type CheckStatus, type DoctorReport } from './types.js';

const MARK: Record<CheckStatus, string> = { pass: '✔', fail: '✘', warn: '!', skip: '-' };

const HEADING: Record<CheckGroup, string> = {
  configuration: 'Configuration',
  nodes: 'Nodes',
  coverage: 'Coverage',
  slack: 'Slack',
  store: 'Store',
  schedule: 'Schedule',
};

/** Counts of each status. */
export function countByStatus(report: DoctorReport): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of report.checks) counts[c.status]++;
  return counts;
}

/** "2 checks fail (bad configuration), 1 warning, 24 pass" */
export function summaryLine(report: DoctorReport): string {
  const n = countByStatus(report);
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const parts = [
    n.fail ? `${plural(n.fail, 'check')} fail${n.fail === 1 ? 's' : ''}${report.exitCode === 2 ? ' (bad configuration)' : ''}` : '',
    n.warn ? plural(n.warn, 'warning') : '',
    `${n.pass} pass`,
    n.skip ? `${n.skip} not configured` : '',
  ].filter(Boolean);
  return n.fail === 0 ? `All checks pass: ${parts.join(', ')}.` : `${parts.join(', ')}.`;
}

/** The text report: a heading per group, one line per check, the fix indented below it. */
export function renderDoctorText(report: DoctorReport): string {
  const lines = [`stackmedic doctor: ${report.target}`];
  for (const group of CHECK_GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    lines.push('', HEADING[group]);
    for (const c of checks) {
      lines.push(`  ${MARK[c.status]} ${c.name}: ${c.detail}`);
      if (c.fix && (c.status === 'fail' || c.status === 'warn')) {
        const [first, ...more] = c.fix.split('\n');
        lines.push(`      → ${first ?? ''}`, ...more.map((l) => `        ${l}`));
      }
    }
  }
  lines.push('', summaryLine(report));
  return lines.join('\n');
}

/** The `--json` report. */
export function renderDoctorJson(report: DoctorReport): string {
  return JSON.stringify(
    {
      ok: report.exitCode === 0,
      exitCode: report.exitCode,
      target: report.target,
      summary: countByStatus(report),
      checks: report.checks.map((c) => ({ group: c.group, name: c.name, status: c.status, detail: c.detail, ...(c.fix ? { fix: c.fix } : {}) })),
    },
    null,
    2,
  );
}
