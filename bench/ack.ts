/**
 * Part 5: Slack ack latency. Signed `/cluster status` slash commands are posted to stackmedic's
 * HTTP receiver (its own process) at a steady rate while one simulated node (another process)
 * takes 10 s to answer; measured is the time from sending a request to its HTTP response, which
 * is the ack Slack waits for (3 s at most).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SlackBotJob } from './slack-bot.js';
import { ms, type Row, type SectionResult, type TargetResult } from './report.js';
import { BENCH_DIST, firstLine, median, note, percentile, spawnTracked, type Cleanup } from './util.js';

/** Options of the ack latency part. */
export interface AckOptions {
  readonly requests: number;
  /** Requests sent per second. */
  readonly rate: number;
  readonly slowNodeMs: number;
}

/** The signing secret the bench's Slack bots and its signed requests share. */
export const SECRET = 'bench-signing-secret-0123456789abcdef';

/** Slack's Web API and response_urls, answered locally: every call gets a plausible success. */
export function startFakeSlack(): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  let ts = 1_700_000_000;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const body: Record<string, unknown> =
        method === 'auth.test'
          ? { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', team: 'bench' }
          : method.startsWith('chat.') || method.startsWith('hooks/')
            ? { ok: true, channel: 'CBENCH', ts: `${++ts}.000100`, message_ts: `${ts}.000100` }
            : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/`, calls: () => calls });
    });
  });
}

/** Signs like Slack: v0=HMAC-SHA256(secret, `v0:${ts}:${body}`). */
export function signed(body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/** The HTTP answer to one signed slash command (the ack): time from sending to the answer's end; status 0 when the request failed. */
export interface SlashAnswer {
  readonly ms: number;
  readonly status: number;
}

/**
 * Posts a signed `/cluster TEXT` slash command as Slack does (request `n`, its response_url at the
 * fake Slack `apiUrl`) and times it until the HTTP answer, which is the ack, has been read.
 */
export async function postSlashCommand(url: string, o: { readonly text: string; readonly n: number; readonly apiUrl: string }): Promise<SlashAnswer> {
  const body = new URLSearchParams({
    token: 'unused',
    team_id: 'T1',
    team_domain: 'bench',
    channel_id: 'CBENCH',
    channel_name: 'ops',
    user_id: 'UBENCH',
    user_name: 'bench',
    command: '/cluster',
    text: o.text,
    api_app_id: 'A1',
    response_url: `${o.apiUrl}hooks/${o.n}`,
    trigger_id: `${o.n}.1.bench`,
  }).toString();
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: signed(body), body });
    await res.text();
    return { ms: performance.now() - started, status: res.status };
  } catch {
    return { ms: performance.now() - started, status: 0 };
  }
}

interface Variant {
  readonly label: string;
  readonly quickAnswerMs?: number;
}

interface VariantResult {
  readonly label: string;
  readonly latenciesMs: number[];
  readonly statuses: Record<string, number>;
}

async function runVariant(cleanup: Cleanup, v: Variant, o: AckOptions, inventory: string, apiUrl: string, dir: string): Promise<VariantResult> {
  const job: SlackBotJob = {
    inventory,
    database: join(dir, `${v.label.replace(/\W+/g, '-')}.sqlite`),
    apiUrl,
    signingSecret: SECRET,
    ...(v.quickAnswerMs !== undefined ? { quickAnswerMs: v.quickAnswerMs } : {}),
  };
  const bot = spawnTracked(cleanup, process.execPath, [join(BENCH_DIST, 'slack-bot.js'), JSON.stringify(job)]);
  try {
    const { port } = JSON.parse(await firstLine(bot)) as { port: number };
    const url = `http://127.0.0.1:${port}/slack/events`;
    const send = (n: number): Promise<SlashAnswer> => postSlashCommand(url, { text: 'status', n, apiUrl });
    // One request first so that connection set-up is not billed to the measured ones.
    await send(0);
    const pending: Promise<SlashAnswer>[] = [];
    const interval = 1000 / o.rate;
    const start = performance.now();
    for (let i = 1; i <= o.requests; i++) {
      const due = start + (i - 1) * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(i));
    }
    const answers = await Promise.all(pending);
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
    return { label: v.label, latenciesMs: answers.map((a) => a.ms), statuses };
  } finally {
    await cleanup.stop(bot);
  }
}

/** Runs the ack latency part. */
export async function benchAck(cleanup: Cleanup, o: AckOptions): Promise<SectionResult> {
  const dir = cleanup.tempDir('ack');
  const fake = await startFakeSlack();
  cleanup.add(() => new Promise<void>((r) => fake.server.close(() => r())));
  const sim = spawnTracked(cleanup, process.execPath, [join(BENCH_DIST, 'sim-child.js'), join(dir, 'sim'), 'healthy', String(o.slowNodeMs)]);
  const results: VariantResult[] = [];
  let slowNode = '';
  try {
    const started = JSON.parse(await firstLine(sim)) as { inventory: string; slowNode: string };
    slowNode = started.slowNode;
    const variants: Variant[] = [{ label: 'as shipped' }, { label: 'quickAnswerMs 0', quickAnswerMs: 0 }];
    for (const v of variants) {
      note(`ack: ${o.requests} signed /cluster status requests at ${o.rate}/s (${v.label}), ${slowNode} answering in ${o.slowNodeMs / 1000} s`);
      results.push(await runVariant(cleanup, v, o, started.inventory, fake.url, dir));
    }
  } finally {
    await cleanup.stop(sim);
  }
  const rows: Row[] = results.map((r) => ({
    label: `ack, ${r.label}`,
    value: `p99 ${ms(percentile(r.latenciesMs, 99))}`,
    detail: `p50 ${ms(median(r.latenciesMs))}, max ${ms(Math.max(...r.latenciesMs))}; HTTP ${Object.entries(r.statuses)
      .map(([s, n]) => `${s} x${n}`)
      .join(', ')}`,
  }));
  rows.push({ label: 'fake Slack API calls', value: String(fake.calls()), detail: 'auth.test, chat.*, response_url posts answered on 127.0.0.1' });
  const shipped = results[0];
  const allOk = (r: VariantResult): boolean => Object.keys(r.statuses).every((s) => s === '200');
  const targets: TargetResult[] = [
    shipped
      ? {
          id: 'ack-p99',
          target: 'Slack ack latency p99 < 100 ms',
          measured: `p99 ${ms(percentile(shipped.latenciesMs, 99))}, p50 ${ms(median(shipped.latenciesMs))}${allOk(shipped) ? '' : ' (non-200 answers)'}`,
          pass: allOk(shipped) && percentile(shipped.latenciesMs, 99) < 100,
        }
      : { id: 'ack-p99', target: 'Slack ack latency p99 < 100 ms', measured: 'not run', pass: null },
  ];
  return {
    id: 'ack',
    title: `Slack ack latency (${o.requests} signed requests at ${o.rate}/s; ${slowNode} takes ${o.slowNodeMs / 1000} s)`,
    rows,
    targets,
    data: results.map((r) => ({
      label: r.label,
      statuses: r.statuses,
      p50: median(r.latenciesMs),
      p99: percentile(r.latenciesMs, 99),
      latenciesMs: r.latenciesMs.map((x) => Math.round(x * 10) / 10),
    })),
  };
}
