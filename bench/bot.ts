/**
 * The bot side of the fan-out benchmark, run as its own process so that its peak RSS is the bot's
 * alone: for each round and command, a new app (new SSH connections: cold), then `warm` more
 * dispatches on the same app (pooled connections). Prints one JSON line with the timings.
 *
 * Usage: node dist/bench/bot.js '<json BotJob>'
 */
import { createApp } from '../src/app/create-app.js';
import { readEnvOptions } from '../src/config/env.js';
import { loadInventory } from '../src/inventory/load.js';
import { vmHwmKb } from './util.js';

/** What the parent asks of the bot process. */
export interface BotJob {
  readonly inventory: string;
  readonly database: string;
  readonly commands: readonly string[];
  readonly rounds: number;
  readonly warm: number;
}

/** What it answers. */
export interface BotResult {
  readonly timings: Record<string, { cold: number[]; warm: number[]; failures: string[] }>;
  readonly peakRssKb: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BotJob;
  const inventory = loadInventory(job.inventory);
  const env = readEnvOptions({ ...process.env, STACKMEDIC_DB: job.database });
  const timings: BotResult['timings'] = {};
  for (let round = 0; round < job.rounds; round++) {
    for (const text of job.commands) {
      const t = (timings[text] ??= { cold: [], warm: [], failures: [] });
      const app = createApp({ inventory, env, logError: (ref, error) => t.failures.push(`${ref}: ${String(error)}`) });
      try {
        for (let i = 0; i <= job.warm; i++) {
          const started = performance.now();
          const r = await app.router.dispatch({ text, actor: { id: 'bench', name: 'bench', via: 'console' }, role: 'viewer' });
          const ms = performance.now() - started;
          (i === 0 ? t.cold : t.warm).push(ms);
          if (r.kind !== 'reply' || !r.reply.ok) t.failures.push(r.kind === 'reply' ? r.reply.title : r.kind);
        }
      } finally {
        await app.close();
      }
    }
  }
  const result: BotResult = { timings, peakRssKb: vmHwmKb('self') };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
