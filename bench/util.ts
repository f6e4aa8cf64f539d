/** Shared plumbing of `npm run bench`: timed child processes, peak memory, statistics, clean-up. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (dist/bench/util.js is two levels below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI entry point as operators run it. */
export const CLI = join(REPO_ROOT, 'dist', 'src', 'main.js');
/** Compiled benchmark helpers run as their own processes. */
export const BENCH_DIST = join(REPO_ROOT, 'dist', 'bench');

/**
 * Everything the benchmark started: child processes (killed by process group, which each was
 * given at spawn), temp directories and other undo steps, run in reverse order exactly once.
 */
export class Cleanup {
  private readonly procs = new Set<ChildProcess>();
  private readonly steps: (() => Promise<void> | void)[] = [];
  private done = false;

  /** A temp directory removed at the end. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `stackmedic-bench-${prefix}-`));
    this.steps.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** An undo step. */
  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Tracks a child until it exits. */
  track(child: ChildProcess): ChildProcess {
    this.procs.add(child);
    child.once('exit', () => this.procs.delete(child));
    return child;
  }

  /** Ends a tracked child (its whole process group) and waits for it. */
  async stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops every child still running, then runs the undo steps. */
  async run(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.all([...this.procs].map((p) => this.stop(p)));
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`bench: clean-up step failed: ${(error as Error).message}\n`);
      }
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the child's own process group (it was spawned detached), so its children go too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Spawns a tracked child in its own process group. */
export function spawnTracked(cleanup: Cleanup, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return cleanup.track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true }));
}

/** Resolves with the first stdout line of a child (e.g. the inventory path `sim serve` prints). */
export function firstLine(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms: ${err.slice(-500)}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) {
        clearTimeout(timer);
        resolvePromise(buf.slice(0, nl).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing: ${err.slice(-500)}`));
    });
  });
}

/** One finished whole-process run. */
export interface TimedRun {
  readonly wallMs: number;
  /** Peak resident set size of the process (GNU time's %M, else sampled VmHWM), in KiB. */
  readonly maxRssKb: number;
  /** User plus system CPU time (GNU time only; NaN without it). */
  readonly cpuMs: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command to completion and times it from spawn to exit, start-up included, as an operator
 * would experience it. Peak RSS comes from GNU time when installed, else from sampling
 * /proc/PID/status (VmHWM) until exit.
 */
export async function runTimed(
  cleanup: Cleanup,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; rssFile: string },
): Promise<TimedRun> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? ['-f', '%M %U %S', '-o', options.rssFile, command, ...args] : [...args];
  const started = performance.now();
  const child = spawnTracked(cleanup, useTime ? GNU_TIME : command, argv, { env: options.env ?? process.env, cwd: options.cwd ?? REPO_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let sampled = 0;
  const sampler = useTime
    ? undefined
    : setInterval(() => {
        sampled = Math.max(sampled, vmHwmKb(child.pid));
      }, 20);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const wallMs = performance.now() - started;
  if (sampler) clearInterval(sampler);
  let maxRssKb = sampled;
  let cpuMs = Number.NaN;
  if (useTime) {
    // The last line: GNU time puts "Command exited with non-zero status N" before it.
    const lines = readFileSync(options.rssFile, 'utf8').trim().split('\n');
    const [rss, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    maxRssKb = rss ?? 0;
    cpuMs = ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000;
  }
  return { wallMs, maxRssKb, cpuMs, code, stdout, stderr };
}

/** VmHWM (peak RSS) of a live process in KiB, 0 when unknown. */
export function vmHwmKb(pid: number | undefined | 'self'): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Writes a progress line to stderr (the table goes to stdout). */
export function note(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
