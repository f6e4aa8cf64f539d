/**
 * stackmedic's Slack adapter in HTTP mode, in its own process, for the ack latency part: the same
 * wiring as `stackmedic serve` (createApp + createSlackApp), with the Slack Web API at a local
 * fake (SLACK_API_URL). Prints `{"port":N}` once listening and runs until SIGTERM.
 *
 * Usage: node dist/bench/slack-bot.js '<json SlackBotJob>'
 */
import { createApp } from '../src/app/create-app.js';
import { readEnvOptions } from '../src/config/env.js';
import { loadInventory } from '../src/inventory/load.js';
import { createSlackApp } from '../src/slack/app.js';
import { quietLogger } from './quiet-logger.js';

/** What the parent asks of the Slack bot process. */
export interface SlackBotJob {
  readonly inventory: string;
  readonly database: string;
  readonly apiUrl: string;
  readonly signingSecret: string;
  /** Passed to createSlackApp when set; its default otherwise. */
  readonly quickAnswerMs?: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as SlackBotJob;
  const env = readEnvOptions({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: job.signingSecret,
    SLACK_API_URL: job.apiUrl,
    STACKMEDIC_DB: job.database,
  });
  const logger = quietLogger();
  const stackmedic = createApp({ inventory: loadInventory(job.inventory), env });
  const slack = createSlackApp({ stackmedic, env, logger, ...(job.quickAnswerMs !== undefined ? { quickAnswerMs: job.quickAnswerMs } : {}) });
  const { port } = await slack.start({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const stop = (): void => {
    // Commands still waiting on the slow node are abandoned: the benchmark only wanted the acks.
    void Promise.race([Promise.all([slack.stop(), stackmedic.close()]), new Promise((r) => setTimeout(r, 2000))]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
