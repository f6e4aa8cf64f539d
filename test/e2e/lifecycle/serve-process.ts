import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { serverPort } from '../../support/real/net.js';
import { SIGNING_SECRET, signatureHeaders } from '../slack/harness.js';
import type { FakeSlackApi } from './fake-slack-api.js';

/** The built CLI, as `npm start` and systemd run it. */
export const MAIN = join(import.meta.dirname, '../../../dist/src/main.js');
/** The channel commands are allowed in, and who may run runbooks. */
export const OPS_CHANNEL = 'COPS';
export const OPERATOR = 'UOPER';

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When it ended (Date.now()). */
  readonly at: number;
}

/** A `stackmedic serve` child process in HTTP mode against the fake Slack. */
export interface ServeProcess {
  readonly proc: ChildProcess;
  readonly port: number;
  readonly dbPath: string;
  /** Everything it printed, stdout and stderr. */
  output(): string;
  readonly exited: Promise<Exit>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signed slash command; returns the HTTP status and body of the ack. */
  slash(command: string, text: string, user?: string): Promise<{ status: number; body: string }>;
  /** Presses a button (Confirm/Cancel) on the message `messageTs`. */
  press(actionId: string, value: string, messageTs: string, user?: string): Promise<number>;
  /** Audit rows, read from the store (after exit, or while it runs: WAL allows readers). */
  audit(): { id: number; command: string; kind: string; outcome: string | null; ended_at: string | null; detail: string | null }[];
}

let counter = 0;

/** Starts `stackmedic serve` with `args` (e.g. `--inventory FILE`), a store in `dir`, talking to `slack`. */
export async function startServe(o: { slack: FakeSlackApi; args: string[]; dir?: string; env?: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'stackmedic-shutdown-'));
  const permissions = join(dir, 'permissions.yml');
  writeFileSync(permissions, `users:\n  ${OPERATOR}: operator\nchannels:\n  - ${OPS_CHANNEL}\n`);
  const dbPath = join(dir, 'stackmedic.sqlite');
  const port = await serverPort();
  const proc = spawn(process.execPath, [MAIN, 'serve', ...o.args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      // These tests read answers in the ack: the ingress thread waits for the app as long as Slack
      // would (its own early ack under load is tested in test/e2e/slack/ingress.spec.ts).
      STACKMEDIC_ACK_WAIT_MS: '2500',
      SLACK_API_URL: o.slack.apiUrl,
      PORT: String(port),
      STACKMEDIC_HTTP_HOST: '127.0.0.1',
      STACKMEDIC_DB: dbPath,
      STACKMEDIC_PERMISSIONS: permissions,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  proc.stdout?.on('data', (d: Buffer) => (seen += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (seen += d.toString()));
  const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const url = `http://127.0.0.1:${port}/slack/events`;
  const post = async (body: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeaders(body) }, body });
    return { status: res.status, body: await res.text() };
  };
  return {
    proc,
    port,
    dbPath,
    output: () => seen,
    exited,
    // Generous: a loaded 2-core machine took over 20 s to start serve.
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(seen)) {
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`no ${pattern} in the output:\n${seen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async slash(command, text, user = OPERATOR) {
      const n = ++counter;
      return post(
        new URLSearchParams({
          team_id: 'T1',
          team_domain: 'ops',
          channel_id: OPS_CHANNEL,
          channel_name: 'ops',
          user_id: user,
          user_name: user.toLowerCase(),
          command,
          text,
          api_app_id: 'A1',
          response_url: o.slack.responseUrl(),
          trigger_id: `${n}.${Date.now()}.shutdown`,
        }).toString(),
      );
    },
    async press(actionId, value, messageTs, user = OPERATOR) {
      const n = ++counter;
      const payload = {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
        api_app_id: 'A1',
        container: { type: 'message', message_ts: messageTs, channel_id: OPS_CHANNEL, is_ephemeral: false },
        trigger_id: `${n}.${Date.now()}.press`,
        team: { id: 'T1', domain: 'ops' },
        channel: { id: OPS_CHANNEL, name: 'ops' },
        message: { type: 'message', ts: messageTs, text: 'Confirm' },
        response_url: o.slack.responseUrl(),
        actions: [{ action_id: actionId, block_id: 'stackmedic_confirmation', value, type: 'button', action_ts: String(Date.now() / 1000) }],
      };
      return (await post(`payload=${encodeURIComponent(JSON.stringify(payload))}`)).status;
    },
    audit() {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare(`SELECT id, command, kind, outcome, ended_at, detail FROM audit_invocation ORDER BY id`).all() as ReturnType<ServeProcess['audit']>;
      } finally {
        db.close();
      }
    },
  };
}
