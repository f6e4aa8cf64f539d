/**
 * Part 2: the same command (`uptime`) on 30 real OpenSSH sshd nodes by stackmedic's executor, by
 * parallel-ssh and by ansible, each as a whole process (start-up included), runs interleaved so
 * that the machine's load falls on all of them alike.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mbFromKb, ms, ratio, type Row, type SectionResult } from './report.js';
import { startSshdNodes, SSHD_USER } from './sshd.js';
import { BENCH_DIST, CLI, median, note, runTimed, type Cleanup, type TimedRun } from './util.js';

/** Options of the peer part. */
export interface PeerOptions {
  readonly nodes: number;
  readonly runs: number;
  /** ansible takes ~1 s per host here: fewer runs of it keep the benchmark inside its budget. */
  readonly ansibleRuns: number;
}

type Tool = 'stackmedic' | 'stackmedic-cli' | 'parallel-ssh' | 'ansible';

/** Runs the peer part. */
export async function benchPeers(cleanup: Cleanup, o: PeerOptions): Promise<SectionResult> {
  note(`peers: starting ${o.nodes} sshd nodes`);
  const nodes = await startSshdNodes(cleanup, o.nodes);
  const work = cleanup.tempDir('peers');
  // ansible's remote temp dir lives in here, and the nodes' login user must reach it.
  chmodSync(work, 0o755);
  const controlDir = join(work, 'ansible-cp');
  const remoteTmp = join(work, 'ansible-remote');
  mkdirSync(controlDir);
  mkdirSync(remoteTmp);
  chmodSync(remoteTmp, 0o777);
  const ansibleEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: work,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
    ANSIBLE_REMOTE_TMP: remoteTmp,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_NOCOLOR: '1',
  };
  const sshOptions = `-i ${nodes.clientKeyPath} -o UserKnownHostsFile=${nodes.knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  const commands: Record<Tool, { cmd: string; args: string[]; env?: NodeJS.ProcessEnv; ok: (r: TimedRun) => number }> = {
    stackmedic: {
      cmd: process.execPath,
      args: [join(BENCH_DIST, 'uptime.js'), nodes.inventoryPath],
      ok: (r) => (JSON.parse(r.stdout.trim() || '{}') as { ok?: number }).ok ?? 0,
    },
    'stackmedic-cli': {
      cmd: process.execPath,
      args: [CLI, 'run', '/cluster ping', '--inventory', nodes.inventoryPath, '--json'],
      env: { ...process.env, STACKMEDIC_DB: join(work, 'cli.sqlite') },
      ok: (r) => (r.code === 0 ? o.nodes : 0),
    },
    'parallel-ssh': {
      cmd: 'parallel-ssh',
      args: ['-h', nodes.psshHostsPath, '-l', SSHD_USER, '-x', sshOptions, '-p', String(o.nodes), '-i', 'uptime'],
      ok: (r) => (r.stdout.match(/\[SUCCESS\]/g) ?? []).length,
    },
    ansible: {
      cmd: 'ansible',
      args: ['all', '-i', nodes.ansibleInventoryPath, '-m', 'command', '-a', 'uptime', '-f', String(o.nodes)],
      env: ansibleEnv,
      ok: (r) => (r.stdout.match(/\| CHANGED \| rc=0/g) ?? []).length,
    },
  };
  const runs: Record<Tool, TimedRun[]> = { stackmedic: [], 'stackmedic-cli': [], 'parallel-ssh': [], ansible: [] };
  const failures: string[] = [];
  for (let i = 0; i < o.runs; i++) {
    note(`peers: run ${i + 1} of ${o.runs}`);
    for (const tool of Object.keys(commands) as Tool[]) {
      if (tool === 'ansible' && i >= o.ansibleRuns) continue;
      const c = commands[tool];
      const r = await runTimed(cleanup, c.cmd, c.args, { ...(c.env ? { env: c.env } : {}), rssFile: join(work, 'time.out') });
      if (tool === 'ansible') closeAnsibleMasters(controlDir);
      const ok = c.ok(r);
      if (ok !== o.nodes) failures.push(`${tool} run ${i + 1}: ${ok} of ${o.nodes} nodes answered (exit ${r.code}) ${(r.stderr || r.stdout).slice(-300)}`);
      runs[tool].push(r);
    }
  }
  const warm = await runTimed(cleanup, process.execPath, [join(BENCH_DIST, 'uptime.js'), nodes.inventoryPath, '--warm', '5'], {
    rssFile: join(work, 'time.out'),
  });
  const warmMs = (JSON.parse(warm.stdout.trim() || '{}') as { warmMs?: number[] }).warmMs ?? [];

  const wall = (t: Tool): number => median(runs[t].map((r) => r.wallMs));
  const rss = (t: Tool): number => median(runs[t].map((r) => r.maxRssKb));
  const sm = wall('stackmedic');
  const rows: Row[] = [
    { label: 'stackmedic executor', value: ms(sm), detail: `whole process; peak RSS ${mbFromKb(rss('stackmedic'))}` },
    {
      label: 'stackmedic /cluster ping',
      value: ms(wall('stackmedic-cli')),
      detail: `CLI, whole process (cat /proc/uptime; hostname), ${mbFromKb(rss('stackmedic-cli'))}`,
    },
    {
      label: 'parallel-ssh -p 30',
      value: ms(wall('parallel-ssh')),
      detail: `stackmedic/pssh = ${ratio(sm, wall('parallel-ssh'))}; peak RSS ${mbFromKb(rss('parallel-ssh'))}`,
    },
    { label: 'ansible -f 30', value: ms(wall('ansible')), detail: `stackmedic/ansible = ${ratio(sm, wall('ansible'))}; ${runs.ansible.length} runs` },
    { label: 'stackmedic warm (pooled)', value: ms(median(warmMs)), detail: 'in process, connections reused (information: the peers cannot pool)' },
  ];
  for (const f of failures) rows.push({ label: 'FAILED', value: '', detail: f });
  const ok = failures.length === 0;
  // A peer whose runs failed was not measured: its few milliseconds are an exit, not a time.
  const failedRuns = (t: Tool): TimedRun[] => runs[t].filter((r) => commands[t].ok(r) !== o.nodes);
  const against = (t: Tool, pkg: string): string => {
    const failed = failedRuns(t);
    if (failed.length === 0) return `${ms(sm)} vs ${ms(wall(t))} (${ratio(sm, wall(t))})`;
    const missing = failed.some((r) => r.code === 127) ? `; exit 127: install ${pkg}` : '';
    return `not measured: ${t} failed ${failed.length} of ${runs[t].length} runs${missing}`;
  };
  return {
    id: 'peers',
    title: `Against peers on ${o.nodes} real sshd nodes (uptime; medians of ${o.runs} runs, ansible ${o.ansibleRuns})`,
    rows,
    targets: [
      {
        id: 'sshd-vs-pssh',
        target: 'real sshd: <= 1/2 of parallel-ssh wall time',
        measured: against('parallel-ssh', 'pssh'),
        pass: ok && sm <= wall('parallel-ssh') / 2,
      },
      {
        id: 'sshd-vs-ansible',
        target: 'real sshd: faster than ansible',
        measured: against('ansible', 'ansible-core'),
        pass: ok && sm < wall('ansible'),
      },
    ],
    data: {
      nodes: o.nodes,
      wallMs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => Math.round(r.wallMs))])),
      maxRssKb: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => r.maxRssKb)])),
      warmMs,
      failures,
    },
  };
}

/**
 * ansible leaves OpenSSH ControlPersist masters behind (60 s by default): ask each to exit, so
 * that the next run starts cold like the other tools and nothing outlives the benchmark.
 */
function closeAnsibleMasters(controlDir: string): void {
  for (const socket of readdirSync(controlDir)) {
    try {
      execFileSync('ssh', ['-O', 'exit', '-S', join(controlDir, socket), 'bench-control'], { stdio: 'ignore', timeout: 5000 });
    } catch {
      // A master that already left.
    }
  }
}
