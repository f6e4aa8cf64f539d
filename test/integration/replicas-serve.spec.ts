/**
 * Two `stackmedic serve` child processes (the built CLI) on one real PostgreSQL, in front of the
 * simulated seed outage, with the scheduler on and a fake Slack: one incident and one Slack
 * thread between them; the leader killed with SIGKILL is replaced within the lease, and nothing
 * is opened or posted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { FakeSlackApi, textOf, type FakeCall } from '../e2e/lifecycle/fake-slack-api.js';
import { startServe, type ServeProcess } from '../e2e/lifecycle/serve-process.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';

const LEASE_SECONDS = 4;
const INCIDENT_CHANNEL = 'CINC';

let server: PostgresServer;
let sim: SimCluster;
let slack: FakeSlackApi;
let store: PostgresStore;
const procs: ServeProcess[] = [];

beforeAll(async () => {
  server = await startPostgres();
  sim = await startSimCluster({ scenario: 'seed-incident' });
  slack = await FakeSlackApi.start();
  store = await PostgresStore.open({ url: server.url, log: () => {} });
}, 60_000);
afterAll(async () => {
  for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  await store?.close();
  await slack?.close();
  await sim?.stop();
  await server?.stop();
});

function serve(): Promise<ServeProcess> {
  return startServe({
    slack,
    args: ['--inventory', sim.inventoryPath],
    env: {
      STACKMEDIC_DB: server.url,
      STACKMEDIC_INCIDENT_CHANNEL: INCIDENT_CHANNEL,
      STACKMEDIC_SCHEDULE: '*/2 * * * * *',
      STACKMEDIC_LEASE_SECONDS: String(LEASE_SECONDS),
    },
  });
}

/** Incident summaries posted in the incident channel (thread replies carry thread_ts). */
const summaries = (): FakeCall[] => slack.of('chat.postMessage').filter((c) => c.body.channel === INCIDENT_CHANNEL && !c.body.thread_ts);

async function incidents(): Promise<number> {
  return Number((await store.get<{ n: number }>('SELECT COUNT(*) AS n FROM incident'))?.n ?? 0);
}

async function lease(): Promise<{ holder: string; term: number } | undefined> {
  return store.get<{ holder: string; term: number }>(`SELECT holder, term FROM leader_lease WHERE name LIKE 'scheduler:%' AND expires_at_ms > ${store.nowMs}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two stackmedic serve replicas on one real PostgreSQL', () => {
  it('open one incident and one thread; the leader killed, the other takes over within the lease and opens nothing twice', async () => {
    const a = await serve();
    const b = await serve();
    procs.push(a, b);
    await Promise.all([a.waitForOutput(/serving Slack/, 30_000), b.waitForOutput(/serving Slack/, 30_000)]);
    await until('the incident', async () => (await incidents()) > 0, 60_000);
    await until('its Slack summary', async () => summaries().length > 0, 20_000);
    // A few more ticks on both replicas: still one of each.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await incidents()).toBe(1);
    expect(summaries()).toHaveLength(1);
    const first = await until('a lease holder', lease, 10_000);
    const leader = [a, b].find((p) => p.output().includes(`${first.holder} leads`));
    const standby = [a, b].find((p) => p !== leader);
    expect(leader, `no replica says it leads as ${first.holder}`).toBeDefined();
    expect(standby?.output()).toMatch(/stands by this tick/);

    const threadBefore = slack.of('chat.postMessage').filter((c) => c.body.channel === INCIDENT_CHANNEL).length;
    leader?.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const next = await until(
      'a new leader',
      async () => {
        const l = await lease();
        return l && l.holder !== first.holder ? l : undefined;
      },
      (LEASE_SECONDS + 10) * 1000,
    );
    const takeoverMs = Date.now() - killedAt;
    // Within the lease, plus one schedule tick (2 s) for the standby to try again, plus 3 s for
    // the queries and timers of a loaded machine.
    expect(takeoverMs).toBeLessThan((LEASE_SECONDS + 2 + 3) * 1000);
    expect(next.term).toBeGreaterThan(first.term);
    expect(standby?.output()).toContain(`${next.holder} leads`);
    // The new leader runs the checks on the same incident: nothing opened or summarised twice.
    await until(
      'a check by the new leader',
      async () => (await store.get(`SELECT 1 AS one FROM incident WHERE updated_at > ?`, [new Date(killedAt).toISOString()])) !== undefined,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 4000));
    expect(await incidents()).toBe(1);
    expect(summaries()).toHaveLength(1);
    // The thread continues (or stays): never a second thread in the channel.
    expect(slack.of('chat.postMessage').filter((c) => c.body.channel === INCIDENT_CHANNEL && !c.body.thread_ts)).toHaveLength(1);
    expect(slack.of('chat.postMessage').filter((c) => c.body.channel === INCIDENT_CHANNEL).length).toBeGreaterThanOrEqual(threadBefore);
  }, 180_000);

  it('the same heal confirmed on both replicas: one runs, the other is refused naming the holder', async () => {
    const live = procs.filter((p) => p.proc.exitCode === null && p.proc.signalCode === null);
    const other = await serve();
    procs.push(other);
    await other.waitForOutput(/serving Slack/, 30_000);
    const [a, b] = [live[0], other] as [ServeProcess, ServeProcess];
    // Each replica posts its own confirmation of the same command.
    const asked = async (p: ServeProcess, seen: Set<string>): Promise<{ ts: string; id: string }> => {
      await p.slash('/cluster', 'free-disk node-10');
      const call = await slack.waitFor('chat.postMessage', (c) => textOf(c).includes('stackmedic_confirm') && !seen.has(String(c.response?.ts)), 30_000);
      const blocks = call.body.blocks as { elements?: { action_id?: string; value?: string }[] }[];
      const id = blocks.flatMap((x) => x.elements ?? []).find((e) => e.action_id === 'stackmedic_confirm')?.value ?? '';
      return { ts: String(call.response?.ts), id };
    };
    const seen = new Set(slack.of('chat.postMessage').map((c) => String(c.response?.ts)));
    const onA = await asked(a, seen);
    seen.add(onA.ts);
    const onB = await asked(b, seen);
    // A's run is held inside its removal step (lock taken) until B's press has been refused.
    const hold = sim.holdCommands('node-10', /realpath -e/);
    expect(await a.press('stackmedic_confirm', onA.id, onA.ts)).toBe(200);
    await hold.arrived;
    expect(await b.press('stackmedic_confirm', onB.id, onB.ts)).toBe(200);
    const refusal = await slack.waitFor(
      'chat.postMessage',
      (c) => /node-10 is busy: \/cluster free-disk node-10 by \S+ on replica \S+ \(audit #\d+\)/.test(textOf(c)),
      60_000,
    );
    expect(textOf(refusal)).toMatch(/Wait for it to finish/);
    hold.release();
    const finished = await slack.waitFor('chat.update', (u) => u.body.ts === onA.ts && /finished|failed/.test(textOf(u)), 90_000);
    expect(textOf(finished)).not.toMatch(/is busy/);
    // One run of the runbook: its steps are in the one audit log once.
    const runs = await store.all<{ outcome: string }>(
      `SELECT outcome FROM audit_invocation WHERE command = '/cluster free-disk node-10' AND kind = 'command' AND outcome IN ('ok', 'failed', 'refused')`,
    );
    expect(runs.filter((r) => r.outcome === 'refused')).toHaveLength(1);
    expect(runs.filter((r) => r.outcome !== 'refused')).toHaveLength(1);
  }, 180_000);
});
