import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '../../dist/src/main.js');
const base = { PATH: process.env.PATH, HOME: process.env.HOME };

async function doctor(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, 'doctor', ...args], { env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The check lines of a text report (marker, name, detail). */
function checkLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^ {2}[✔✘!-] /.test(l));
}

const NODES = ['node-10', 'node-11', 'node-12', 'node-18', 'node-19', 'node-20'];

describe('stackmedic doctor on the simulator', () => {
  it('passes every check of the healthy cluster (Slack and permissions not configured), exit 0', async () => {
    const r = await doctor(['--sim', 'healthy']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = checkLines(r.stdout);
    expect(lines.filter((l) => !l.startsWith('  ✔ '))).toEqual([
      '  - permissions: STACKMEDIC_PERMISSIONS not set: in Slack everyone is a viewer and nobody can run the fixes',
      '  - Slack: not configured (SLACK_BOT_TOKEN not set): the console works; docs/slack.md sets Slack up',
    ]);
    expect(r.stdout).toMatch(/^All checks pass: \d+ pass, 2 not configured\.$/m);
  });

  it("prints every check on the seed incident: the outage is the cluster's health, not the setup", async () => {
    const r = await doctor(['--sim', 'seed-incident']);
    expect(r.code).toBe(0);
    const out = r.stdout;
    for (const heading of ['Configuration', 'Nodes', 'Coverage', 'Slack', 'Store', 'Schedule']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'));
    for (const name of ['environment', 'inventory', 'known_hosts', 'permissions', 'signatures']) expect(out).toMatch(new RegExp(`^ {2}[✔-] ${name}: `, 'm'));
    for (const node of NODES) {
      expect(out).toMatch(new RegExp(`^ {2}✔ ${node} reachable: 127\\.0\\.0\\.1:\\d+ answers SSH$`, 'm'));
      expect(out).toMatch(new RegExp(`^ {2}✔ ${node} host key: ssh-ed25519 SHA256:[A-Za-z0-9+/]{43} matches .*known_hosts$`, 'm'));
      expect(out).toMatch(new RegExp(`^ {2}✔ ${node} login: as root$`, 'm'));
      expect(out).toMatch(new RegExp(`^ {2}✔ ${node} tools: `, 'm'));
    }
    // ceph-status runs ceph where the deployment has it (a monitor's container, cephadm, the host): ceph or cephadm will do.
    expect(out).toMatch(
      /^ {2}✔ node-10 tools: crm_mon, rabbitmqctl, mysql, ceph\|cephadm, grep, head, sh, timeout, openstack, .*; openrc \/root\/openrc readable$/m,
    );
    expect(out).toMatch(/^ {2}✔ node-18 tools: .*pgrep/m);
    expect(out).not.toMatch(/^ {2}✔ node-18 tools: .*crm_mon/m);
    expect(out).toMatch(
      /^ {2}✔ areas: every area of \/cluster status has nodes to check it: Pacemaker, RabbitMQ, Galera, Ceph, Nova, Neutron, OVN, Disk and libvirt$/m,
    );
    expect(out).toMatch(/^ {2}✔ store: .* does not exist yet; the first start creates it/m);
    expect(out).toMatch(/^ {2}✔ STACKMEDIC_SCHEDULE: "\*\/2 \* \* \* \*": next runs \d{4}-\d\d-\d\d \d\d:\d\d, .*, .* \(/m);
  });

  it('--json gives the same checks with their status', async () => {
    const r = await doctor(['--sim', 'healthy', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      ok: boolean;
      exitCode: number;
      summary: Record<string, number>;
      checks: { group: string; name: string; status: string }[];
    };
    expect(json.ok).toBe(true);
    expect(json.summary.fail).toBe(0);
    expect(json.checks.filter((c) => c.group === 'nodes')).toHaveLength(NODES.length * 4);
    expect(new Set(json.checks.map((c) => c.group))).toEqual(new Set(['configuration', 'nodes', 'coverage', 'slack', 'store', 'schedule']));
  });

  it('names the file and the field of a bad permissions file, keeps checking the rest, and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-doctor-'));
    const file = join(dir, 'permissions.yml');
    writeFileSync(file, 'users:\n  U0ADMIN: superuser\n');
    const r = await doctor(['--sim', 'healthy'], { STACKMEDIC_PERMISSIONS: file, STACKMEDIC_SCHEDULE: '*/5 * * * *' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`  ✘ permissions: ${file}: users.U0ADMIN: one of viewer, operator, admin\n      → fix users.U0ADMIN in ${file}`);
    expect(r.stdout).toMatch(/^ {2}✔ node-10 login: as root$/m);
    expect(r.stdout).toMatch(/^1 check fails \(bad configuration\), \d+ pass, 1 not configured\.$/m);
  });

  it('names every bad variable, and an inventory that does not load, with exit 2', async () => {
    const r = await doctor(['--inventory', '/nonexistent/inventory.yml'], { PORT: 'eighty', STACKMEDIC_SCHEDULE: '99 * * * *' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ {2}✘ PORT: a whole number from 1 to 65535 \(got "eighty"\)$/m);
    expect(r.stdout).toMatch(/^ {2}✘ inventory: \/nonexistent\/inventory\.yml: \(file\): an existing inventory file$/m);
    expect(r.stdout).toMatch(/^ {2}✘ STACKMEDIC_SCHEDULE: "99 \* \* \* \*" is not a valid cron expression/m);
    expect(r.stdout).not.toMatch(/^Nodes$/m);
  });

  it('refuses --sim with --inventory, and an unknown scenario, as usage errors (exit 2)', async () => {
    const both = await doctor(['--sim', 'healthy', '--inventory', 'x.yml']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^stackmedic: pass either --sim SCENARIO or --inventory FILE, not both\n\nUsage: stackmedic doctor /);
    const unknown = await doctor(['--sim', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown simulator scenario "nope"/);
  });
});
