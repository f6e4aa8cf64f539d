import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { loadCatalog } from '../../src/signatures/catalog.js';

const LOGS = join(import.meta.dirname, '../fixtures/signatures-cli/logs');

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, {
    env: { HOME: process.env.HOME, STACKMEDIC_DB: join(scratch(), 'db.sqlite'), ...env },
    stdin: new PassThrough(),
    stdout,
    stderr,
  });
  return { code, out, err };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'stackmedic-sigcli-'));
}

interface Group {
  template: string;
  count: number;
  nodes: string[];
}

async function groups(env: NodeJS.ProcessEnv = {}): Promise<{ groups: Group[]; classification: { errors: number; classified: number } }> {
  const r = await cli(['diagnose', '--logs', LOGS, '--json'], env);
  const json = JSON.parse(r.out) as { unrecognised: Group[]; classification: { errors: number; classified: number } };
  return { groups: json.unrecognised, classification: json.classification };
}

describe('unrecognised errors of real logs, grouped (hotsos sosreport lines)', () => {
  it('puts each distinct error in one group, with its count, largest first', async () => {
    const { groups: found, classification } = await groups();
    expect(found.map((g) => [g.count, g.nodes])).toEqual([
      [5, ['compute4']],
      [4, ['network1']],
      [3, ['compute4']],
      [2, ['compute4']],
    ]);
    expect(found[0]?.template).toContain('No compute node record for host');
    expect(found[1]?.template).toContain('An interface driver must be specified');
    expect(found[2]?.template).toContain('unable to find a keyring');
    expect(found[3]?.template).toContain('RADOS permission denied');
    // The three ECONNREFUSED lines are amqp-unreachable's.
    expect(classification).toEqual({ errors: 17, classified: 3, rate: 0.1765 });
  });
});

describe('stackmedic signatures propose', () => {
  it('prints a signature file the catalog loader accepts as it is', async () => {
    const r = await cli(['signatures', 'propose', '--logs', LOGS, '--group', '2']);
    expect(r.code).toBe(0);
    const dir = scratch();
    writeFileSync(join(dir, 'drafted.yaml'), r.out);
    const catalog = await loadCatalog({ extraDir: dir });
    const drafted = catalog.signatures.filter((s) => catalog.origin.get(s.id) === join(dir, 'drafted.yaml'));
    expect(drafted).toHaveLength(1);
    const signature = drafted[0];
    expect(signature).toMatchObject({
      title: 'neutron.agent.l3.agent: An interface driver must be specified',
      source: { logs: { paths: ['/var/log/neutron/neutron-l3-agent.log'] } },
      literals: ['An interface driver must be specified'],
    });
    expect(signature?.remediation).toMatch(
      /from unrecognised group 2: 4 error records on node network1 between 2022-02-04T10:08:20.378Z and 2022-02-04T10:08:59.156Z/,
    );
    expect(signature?.remediation).not.toMatch(/TODO|<[^>]*>|\.\.\./);
    expect(r.err).toMatch(/recognises 4 of the 4 records of group 2;/);
  });

  it('tells two tracebacks with the same first line apart by their exceptions', async () => {
    const r = await cli(['signatures', 'propose', '--logs', LOGS, '--group', '4', '--id', 'nova-rbd-permission-denied']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/nova-rbd-permission-denied recognises 2 of the 2 records of group 4; check it/);
    expect(r.out).toContain('RADOS');
    expect(r.out).toContain('id: nova-rbd-permission-denied');
  });

  it('writes --output, and the signature in SIGNATURES_DIR claims its group on the next diagnose', async () => {
    const dir = scratch();
    const file = join(dir, 'no-compute-node.yaml');
    const r = await cli(['signatures', 'propose', '--logs', LOGS, '--group', '1', '--output', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`wrote ${file}: signature local-[a-z0-9-]+ recognises 5 of the 5 records of group 1;`));
    const before = await groups();
    const after = await groups({ SIGNATURES_DIR: dir });
    expect(after.groups.map((g) => g.template)).toEqual(before.groups.slice(1).map((g) => g.template));
    expect(after.classification.classified).toBe(before.classification.classified + 5);
  });

  it('refuses a group that does not exist, missing logs and an existing --output', async () => {
    const none = await cli(['signatures', 'propose', '--logs', LOGS, '--group', '9']);
    expect(none.code).toBe(2);
    expect(none.err).toContain(`no group 9: ${LOGS} has 4 unrecognised groups`);
    const missing = await cli(['signatures', 'propose', '--logs', join(scratch(), 'nowhere'), '--group', '1']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read the logs directory/);
    const dir = scratch();
    const file = join(dir, 'taken.yaml');
    writeFileSync(file, 'keep me\n');
    const taken = await cli(['signatures', 'propose', '--logs', LOGS, '--group', '1', '--output', file]);
    expect(taken.code).toBe(2);
    expect(taken.err).toContain(`${file} exists`);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    const usage = await cli(['signatures', 'propose', '--logs', LOGS, '--group', 'two']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: stackmedic signatures propose');
  });
});

describe('stackmedic signatures in the help', () => {
  it('lists both verbs in the global help, and each has its own --help', async () => {
    const help = await cli(['--help']);
    expect(help.out).toContain('stackmedic signatures propose --logs DIR --group N [--id ID] [--output FILE]');
    expect(help.out).toContain('stackmedic signatures test FILE --logs DIR [--json]');
    const own = await cli(['signatures', 'test', '--help']);
    expect(own.code).toBe(0);
    expect(own.out).toContain('Exit codes: 0 tested, 1 FILE is not a valid signature file');
    const none = await cli(['signatures']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('needs a verb: propose or test');
  });
});

describe('stackmedic signatures test FILE --logs DIR', () => {
  it('shows what a file matches and which groups it newly recognises', async () => {
    const dir = scratch();
    const file = join(dir, 'keyring.yaml');
    expect((await cli(['signatures', 'propose', '--logs', LOGS, '--group', '3', '--output', file])).code).toBe(0);
    const r = await cli(['signatures', 'test', file, '--logs', LOGS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: 6 records in 1 file on compute4, 2022-02-04T10:21:58.881Z .. 2022-02-04T10:23:10.316Z/);
    expect(r.out).toContain('compute4:/var/log/nova/nova-compute.log');
    expect(r.out).toMatch(/It would recognise this unrecognised group:\n {2}3\. x3 {2}ERROR nova.compute.manager/);
    expect(r.out).toContain('Classification: 17 % of 17 error records recognised -> 35 % of 17 error records recognised.');
    const json = JSON.parse((await cli(['signatures', 'test', file, '--logs', LOGS, '--json'])).out) as { claimed: { number: number; claimed: number }[] };
    expect(json.claimed).toEqual([{ number: 3, template: expect.stringContaining('keyring') as string, count: 3, claimed: 3 }]);
  });

  it("exits 1 with the loader's message for an invalid file, 2 for bad usage", async () => {
    const dir = scratch();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'id: Not-Kebab\ntitle: x\nseverity: minor\nsource: { logs: { roles: [compute], paths: [/var/log/nova/*.log] } }\npatterns: [abc]\nremediation: x\n',
    );
    const bad = await cli(['signatures', 'test', file, '--logs', LOGS]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`invalid signature file: ${file}: signature 'Not-Kebab' (#1) id: a kebab-case id`);
    const usage = await cli(['signatures', 'test', '--logs', LOGS]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: stackmedic signatures test FILE --logs DIR');
  });

  it('tests a file as it would sit beside the SIGNATURES_DIR already in use (an id taken there is refused)', async () => {
    const ops = scratch();
    const first = join(ops, 'one.yaml');
    expect((await cli(['signatures', 'propose', '--logs', LOGS, '--group', '2', '--id', 'l3-interface-driver', '--output', first])).code).toBe(0);
    const other = scratch();
    cpSync(first, join(other, 'two.yaml'));
    const clash = await cli(['signatures', 'test', join(other, 'two.yaml'), '--logs', LOGS], { SIGNATURES_DIR: ops });
    expect(clash.code).toBe(1);
    expect(clash.err).toContain("'l3-interface-driver' is already defined in");
  });
});
