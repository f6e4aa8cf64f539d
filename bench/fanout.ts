/**
 * Part 1: `/cluster ping` and `/cluster status` against a simulated cluster served by a separate
 * process (`stackmedic sim serve`), for several cluster sizes: cold (new connections) and warm
 * (pooled), in a bot process of their own (peak RSS = that process's VmHWM), and the whole CLI
 * process (`stackmedic run ... --json`, start-up included, peak RSS from GNU time).
 */
import { join } from 'node:path';
import type { BotJob, BotResult } from './bot.js';
import { mbFromKb, ms, type Row, type SectionResult, type TargetResult } from './report.js';
import { BENCH_DIST, CLI, firstLine, median, note, runTimed, spawnTracked, type Cleanup } from './util.js';

/** Options of the fan-out part. */
export interface FanOutOptions {
  readonly sizes: readonly number[];
  /** Bot rounds per size (each: one cold and `warm` warm dispatches per command). */
  readonly rounds: number;
  readonly warm: number;
  /** Whole-process CLI runs per size and command. */
  readonly cliRuns: number;
}

const COMMANDS = ['/cluster ping', '/cluster status'] as const;

/** Per size and command: medians, plus the raw runs. */
interface SizeResult {
  readonly nodes: number;
  readonly simStartMs: number;
  readonly bot: BotResult;
  readonly cli: Record<string, { wallMs: number[]; maxRssKb: number[]; failures: number }>;
}

/** Runs the fan-out part. */
export async function benchFanOut(cleanup: Cleanup, o: FanOutOptions): Promise<SectionResult> {
  const results: SizeResult[] = [];
  for (const nodes of o.sizes) {
    const dir = cleanup.tempDir(`sim${nodes}`);
    note(`fan-out: serving ${nodes} simulated nodes`);
    const started = performance.now();
    const sim = spawnTracked(cleanup, process.execPath, [CLI, 'sim', 'serve', '--nodes', String(nodes), '--scenario', 'healthy', '--dir', dir]);
    try {
      const inventory = await firstLine(sim);
      const simStartMs = performance.now() - started;
      const database = join(dir, 'bot.sqlite');
      const job: BotJob = { inventory, database, commands: COMMANDS, rounds: o.rounds, warm: o.warm };
      const botRun = await runTimed(cleanup, process.execPath, [join(BENCH_DIST, 'bot.js'), JSON.stringify(job)], { rssFile: join(dir, 'bot.time') });
      if (botRun.code !== 0) throw new Error(`bot process failed (${botRun.code}): ${botRun.stderr.slice(-800)}`);
      const bot = JSON.parse(botRun.stdout.trim().split('\n').pop() ?? '{}') as BotResult;
      const cli: SizeResult['cli'] = {};
      for (let i = 0; i < o.cliRuns; i++) {
        for (const text of COMMANDS) {
          const c = (cli[text] ??= { wallMs: [], maxRssKb: [], failures: 0 });
          const env = { ...process.env, STACKMEDIC_DB: join(dir, 'cli.sqlite') };
          const r = await runTimed(cleanup, process.execPath, [CLI, 'run', text, '--inventory', inventory, '--json'], { env, rssFile: join(dir, 'cli.time') });
          c.wallMs.push(r.wallMs);
          c.maxRssKb.push(r.maxRssKb);
          if (r.code !== 0) c.failures++;
        }
      }
      results.push({ nodes, simStartMs, bot, cli });
    } finally {
      await cleanup.stop(sim);
    }
  }

  const rows: Row[] = [];
  for (const r of results) {
    for (const text of COMMANDS) {
      const t = r.bot.timings[text];
      const c = r.cli[text];
      if (!t || !c) continue;
      const fails = t.failures.length + c.failures;
      rows.push({
        label: `N=${r.nodes} ${text}`,
        value: `${ms(median(t.cold))} cold`,
        detail: `${ms(median(t.warm))} warm; CLI process ${ms(median(c.wallMs))}, ${mbFromKb(median(c.maxRssKb))}${fails ? `; ${fails} FAILED runs` : ''}`,
      });
    }
    rows.push({
      label: `N=${r.nodes} bot peak RSS`,
      value: mbFromKb(r.bot.peakRssKb),
      detail: `all rounds of both commands; sim served in ${ms(r.simStartMs)}`,
    });
  }

  const targets: TargetResult[] = [];
  const big = results.find((r) => r.nodes === 500);
  const status = big?.bot.timings['/cluster status'];
  const cliStatus = big?.cli['/cluster status'];
  if (big && status && cliStatus) {
    const ok = status.failures.length === 0 && cliStatus.failures === 0;
    const cold = median(status.cold);
    const warm = median(status.warm);
    const rss = Math.max(big.bot.peakRssKb, ...cliStatus.maxRssKb);
    targets.push(
      {
        id: 'status-500-cold',
        target: '/cluster status, 500 nodes, cold < 3 s',
        measured: `${ms(cold)} in the bot (CLI process incl. start-up: ${ms(median(cliStatus.wallMs))})${ok ? '' : ', with failures'}`,
        pass: ok && cold < 3000,
      },
      { id: 'status-500-warm', target: '/cluster status, 500 nodes, warm < 1 s', measured: ms(warm), pass: ok && warm < 1000 },
      {
        id: 'status-500-rss',
        target: '/cluster status, 500 nodes, peak RSS < 300 MB',
        measured: `${mbFromKb(rss)} (bot and CLI processes)`,
        pass: rss * 1024 < 300e6,
      },
    );
  } else {
    targets.push(
      { id: 'status-500-cold', target: '/cluster status, 500 nodes, cold < 3 s', measured: 'not run', pass: null },
      { id: 'status-500-warm', target: '/cluster status, 500 nodes, warm < 1 s', measured: 'not run', pass: null },
      { id: 'status-500-rss', target: '/cluster status, 500 nodes, peak RSS < 300 MB', measured: 'not run', pass: null },
    );
  }
  return {
    id: 'fanout',
    title: `Fan-out on the simulated cluster (separate sim process; medians of ${o.rounds} cold and ${o.rounds * o.warm} warm, ${o.cliRuns} CLI runs)`,
    rows,
    targets,
    data: results,
  };
}
