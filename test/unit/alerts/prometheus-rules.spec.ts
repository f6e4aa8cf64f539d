import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { signatureOfAlert } from '../../../src/alerts/signatures.js';
import { loadCatalog } from '../../../src/signatures/index.js';

/** deploy/prometheus checked by Prometheus' and Alertmanager's own tools (Debian packages prometheus, prometheus-alertmanager). */

const DIR = join(import.meta.dirname, '../../../deploy/prometheus');
const PROMTOOL = '/usr/bin/promtool';
const AMTOOL = '/usr/bin/amtool';

function run(bin: string, args: readonly string[], cwd = DIR): { code: number | null; out: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
}

const rules = (parse(readFileSync(join(DIR, 'stackmedic-rules.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe('deploy/prometheus', () => {
  it('passes promtool check rules', () => {
    const r = run(PROMTOOL, ['check', 'rules', 'stackmedic-rules.yml']);
    expect(r.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.code).toBe(0);
  });

  it("passes promtool's unit tests of the rules: each fires on its exporter's series with the labels stackmedic reads", () => {
    const r = run(PROMTOOL, ['test', 'rules', 'stackmedic-rules.test.yml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('has a Prometheus config and an Alertmanager config their tools accept', () => {
    expect(run(PROMTOOL, ['check', 'config', 'prometheus.yml']).code).toBe(0);
    const am = run(AMTOOL, ['check-config', 'alertmanager.yml']);
    expect(am.out).toContain('SUCCESS');
    expect(am.code).toBe(0);
  });

  it('would catch a broken rule (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-rules-'));
    try {
      writeFileSync(join(dir, 'bad.yml'), 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: rate(up[5m]\n');
      expect(run(PROMTOOL, ['check', 'rules', 'bad.yml'], dir).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names catalog signatures, which stackmedic maps the alerts to, for every fault of the stack', async () => {
    const known = new Set((await loadCatalog()).signatures.map((s) => s.id));
    const mapped = rules.map((r) => [r.alert, signatureOfAlert({ alertname: r.alert, ...r.labels }, known)] as const);
    for (const r of rules) if (r.labels?.stackmedic_signature) expect(known.has(r.labels.stackmedic_signature), r.alert).toBe(true);
    expect(Object.fromEntries(mapped)).toEqual({
      RabbitmqDiskAlarm: 'rabbit-disk-alarm',
      RabbitmqMemoryAlarm: 'rabbit-memory-alarm',
      RabbitmqPartition: 'rabbit-partition',
      NovaComputeDown: 'nova-compute-down',
      NeutronAgentDown: 'neutron-agent-down',
      RootFilesystemFull: 'disk-full-now',
      // A prediction is not a full disk: it stands for itself (an alert-derived incident).
      RootFilesystemFillingUp: undefined,
      GaleraNotPrimary: 'galera-non-primary',
    });
    expect(rules.every((r) => ['critical', 'warning'].includes(r.labels?.severity ?? ''))).toBe(true);
  });
});
