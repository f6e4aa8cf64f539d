import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../support/components.mjs');
const ALL =
  'openssh-server openssh-client rabbitmq-server pacemaker-cli-utils lsof psmisc procps util-linux passwd postgresql prometheus prometheus-alertmanager';

/** Where each package's binaries go in a fake root (absolute ones at their path, bare ones in /usr/bin). */
const LAYOUT: Record<string, readonly string[]> = {
  'openssh-server': ['/usr/sbin/sshd'],
  'openssh-client': ['/usr/bin/ssh', '/usr/bin/ssh-keygen'],
  'rabbitmq-server': ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/lib/rabbitmq/bin/rabbitmqctl', '/usr/bin/epmd'],
  'pacemaker-cli-utils': ['/usr/sbin/crm_mon', '/usr/sbin/cibadmin', '/usr/sbin/crm_simulate', '/usr/sbin/crm_attribute'],
  lsof: ['/usr/bin/lsof'],
  psmisc: ['/usr/bin/fuser'],
  procps: ['/usr/bin/pgrep', '/usr/bin/ps'],
  'util-linux': ['/usr/bin/unshare', '/usr/bin/flock'],
  passwd: ['/usr/sbin/useradd', '/usr/sbin/usermod'],
  postgresql: [
    '/usr/lib/postgresql/15/bin/initdb',
    '/usr/lib/postgresql/15/bin/pg_ctl',
    '/usr/lib/postgresql/15/bin/postgres',
    '/usr/lib/postgresql/15/bin/createdb',
  ],
  prometheus: ['/usr/bin/promtool'],
  'prometheus-alertmanager': ['/usr/bin/prometheus-alertmanager', '/usr/bin/amtool'],
};

function place(root: string, packages: readonly string[]): void {
  for (const p of packages) {
    for (const bin of LAYOUT[p] ?? []) {
      mkdirSync(dirname(join(root, bin)), { recursive: true });
      writeFileSync(join(root, bin), '#!/bin/sh\n');
      chmodSync(join(root, bin), 0o755);
    }
  }
}

describe('the test run provisions the real components it starts', () => {
  let dir: string;
  let root: string;
  /** PATH for the script: the fake root's /usr/bin, plus a dir with just sh and flock (and apt-get when a test puts one). */
  let tools: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackmedic-components-'));
    chmodSync(dir, 0o755);
    root = join(dir, 'root');
    tools = join(dir, 'tools');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    mkdirSync(tools);
    symlinkSync('/bin/sh', join(tools, 'sh'));
    symlinkSync(spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).stdout.trim(), join(tools, 'flock'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: readonly string[], opts: { uid?: number; script?: string } = {}) =>
    spawnSync(process.execPath, [opts.script ?? SCRIPT, ...args, '--root', root], {
      encoding: 'utf8',
      env: { PATH: `${tools}:${join(root, 'usr/bin')}` },
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });

  it('with every component hidden and no apt-get, names exactly what is missing and the one command, in one line', () => {
    const r = run([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'stackmedic tests: missing openssh-server (/usr/sbin/sshd), openssh-client (ssh, ssh-keygen), rabbitmq-server (/usr/lib/rabbitmq/bin/rabbitmq-server, ' +
        '/usr/lib/rabbitmq/bin/rabbitmqctl, epmd), pacemaker-cli-utils (crm_mon, cibadmin, crm_simulate, crm_attribute), lsof (lsof), psmisc (fuser), ' +
        'procps (pgrep, ps), util-linux (unshare), passwd (useradd, usermod), ' +
        'postgresql (/usr/lib/postgresql/15/bin/initdb, /usr/lib/postgresql/15/bin/pg_ctl, /usr/lib/postgresql/15/bin/postgres, /usr/lib/postgresql/15/bin/createdb), ' +
        'prometheus (/usr/bin/promtool), prometheus-alertmanager (/usr/bin/prometheus-alertmanager, /usr/bin/amtool) and there is no apt-get here to install them. ' +
        `Install them with: apt-get update && apt-get install -y --no-install-recommends ${ALL}`,
    );
  });

  it('names only the packages that are missing', () => {
    place(root, [
      'openssh-server',
      'openssh-client',
      'lsof',
      'procps',
      'util-linux',
      'passwd',
      'psmisc',
      'postgresql',
      'prometheus',
      'prometheus-alertmanager',
    ]);
    const r = run(['--check']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'missing rabbitmq-server (/usr/lib/rabbitmq/bin/rabbitmq-server, /usr/lib/rabbitmq/bin/rabbitmqctl, epmd), pacemaker-cli-utils (',
    );
    expect(r.stderr).toContain('apt-get install -y --no-install-recommends rabbitmq-server pacemaker-cli-utils (or run npm test as root');
    expect(r.stderr).not.toContain('openssh');
  });

  it('says nothing and exits 0 when everything is there', () => {
    place(root, Object.keys(LAYOUT));
    expect(run([])).toMatchObject({ status: 0, stderr: '', stdout: '' });
  });

  it('without root, stops with the sudo command instead of trying', () => {
    const script = join(dir, 'components.mjs');
    copyFileSync(SCRIPT, script);
    writeFileSync(join(tools, 'apt-get'), '#!/bin/sh\necho apt-get ran >&2\nexit 1\n');
    chmodSync(join(tools, 'apt-get'), 0o755);
    const r = run([], { uid: 65534, script });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('apt-get ran');
    expect(r.stderr).toContain('and installing them needs root. Install them with: sudo apt-get update && sudo apt-get install -y');
  });

  it('as root with apt-get, installs what is missing once, says so, and two runs at once do not overlap', async () => {
    place(root, [
      'openssh-client',
      'lsof',
      'procps',
      'util-linux',
      'passwd',
      'psmisc',
      'pacemaker-cli-utils',
      'postgresql',
      'prometheus',
      'prometheus-alertmanager',
    ]);
    const log = join(dir, 'apt.log');
    // A stand-in apt-get: records when each run starts and ends, and "installs" by placing binaries.
    const cases = Object.entries(LAYOUT)
      .map(
        ([p, bins]) =>
          `    ${p}) for b in ${bins.join(' ')}; do mkdir -p "${root}$(dirname $b)"; printf '#!/bin/sh\\n' > "${root}$b"; chmod 755 "${root}$b"; done ;;`,
      )
      .join('\n');
    writeFileSync(
      join(tools, 'apt-get'),
      `#!/bin/sh\nPATH=/usr/bin:/bin\ncase "$1" in update) exit 0 ;; esac\necho "start $$ $*" >> ${log}\nsleep 1\nfor a in "$@"; do\n  case "$a" in\n${cases}\n  esac\ndone\necho "end $$" >> ${log}\n`,
    );
    chmodSync(join(tools, 'apt-get'), 0o755);
    const once = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [SCRIPT, '--root', root], { env: { PATH: `${tools}:${join(root, 'usr/bin')}` } });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const [a, b] = await Promise.all([once(), once()]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    for (const r of [a, b]) {
      expect(r.stderr).toContain(
        'stackmedic tests: installing openssh-server rabbitmq-server with apt-get (once; needed for real sshd for the SSH executor and runbook tests; real RabbitMQ brokers)',
      );
      expect(r.stderr).toContain('stackmedic tests: installed openssh-server rabbitmq-server');
    }
    // The lock serialises the two installs: start, end, start, end.
    const events = readFileSync(log, 'utf8').trim().split('\n');
    expect(events.map((e) => e.split(' ')[0])).toEqual(['start', 'end', 'start', 'end']);
    expect(events[0]).toContain('install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 openssh-server rabbitmq-server');
    // Afterwards nothing is missing, so a third run installs nothing.
    expect(spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8', env: { PATH: `${tools}:${join(root, 'usr/bin')}` } })).toMatchObject({
      status: 0,
      stderr: '',
    });
  });
});
