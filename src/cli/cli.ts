import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createApp, type StackmedicApp } from '../app/create-app.js';
import { hasSlackCredentials, readEnvOptions, type EnvOptions } from '../config/env.js';
import { runConsole } from '../console/console.js';
import { runLine } from '../console/session.js';
import { ConfigError, UserError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { consoleActor } from './actor.js';
import { resolveTarget, type Target } from './target.js';

/** Where the CLI reads and writes; injectable so tests drive the same entry point. */
export interface CliIO {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const HELP = `stackmedic: see and heal an OpenStack cluster from Slack or a terminal

Usage:
  stackmedic run "<command>" [--inventory FILE | --sim SCENARIO] [--json] [--yes]
  stackmedic console [--inventory FILE | --sim SCENARIO] [--yes]
  stackmedic diagnose --logs DIR [--json] [--timezone ZONE]
  stackmedic sim serve --nodes N --scenario SCENARIO [--dir DIR]
  stackmedic serve [--inventory FILE | --sim SCENARIO]   (Slack: docs/slack.md)
  stackmedic --help | --version

Examples:
  stackmedic run "/cluster ping" --inventory inventory.yml
  stackmedic run "/cluster status" --sim seed-incident
  stackmedic run "/cluster help"

Exit codes: 0 ok, 1 the command failed or found problems, 2 bad configuration or usage.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const TARGET_OPTIONS = {
  inventory: { type: 'string' },
  sim: { type: 'string' },
  json: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
} as const;

/** Resolves `--inventory` / `--sim` into a cluster to talk to. */
export type TargetResolver = (options: { inventory?: string | undefined; sim?: string | undefined }, env: EnvOptions) => Promise<Target>;

const defaultResolver: TargetResolver = resolveTarget;

/**
 * Wires the app for a target, loads the signature catalog first (a bad SIGNATURES_DIR is a
 * start-up error, exit 2, not a failed command later), runs `body`, and always lets both go.
 */
async function withApp<T>(target: Target, body: (app: StackmedicApp) => Promise<T>): Promise<T> {
  const app = createApp({ inventory: target.inventory, env: target.env });
  try {
    await app.services.catalog();
    return await body(app);
  } finally {
    await app.close();
    await target.close();
  }
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO, resolveTarget: TargetResolver = defaultResolver): Promise<number> {
  const out = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  const err = (text: string): void => {
    io.stderr.write(`${text}\n`);
  };
  const [sub, ...rest] = argv;
  try {
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      out(HELP);
      return 0;
    }
    if (sub === '--version' || sub === '-V') {
      out(version());
      return 0;
    }
    const env = readEnvOptions(io.env);
    if (sub === 'run') {
      const { values, positionals } = parseArgs({ args: rest, options: TARGET_OPTIONS, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new UserError(`stackmedic run takes one command in quotes, e.g. stackmedic run "/cluster ping"`);
      return await withApp(await resolveTarget(values, env), async (app) => {
        const ok = await runLine(positionals[0] ?? '', {
          router: app.router,
          actor: consoleActor(),
          role: 'admin',
          json: values.json,
          yes: values.yes,
          io: { print: out },
        });
        return ok ? 0 : 1;
      });
    }
    if (sub === 'console' || (sub === undefined && !hasSlackCredentials(env))) {
      const { values } = parseArgs({ args: rest, options: TARGET_OPTIONS, allowPositionals: false, strict: true });
      // `npm start` with nothing configured is the demo: the simulated cluster in the seed outage.
      const demo = sub === undefined && values.inventory === undefined && values.sim === undefined && !env.inventoryPath;
      const target = await resolveTarget(demo ? { sim: 'seed-incident' } : values, env);
      return await withApp(target, (app) =>
        runConsole({
          router: app.router,
          actor: consoleActor(),
          role: 'admin',
          json: values.json,
          yes: values.yes,
          input: io.stdin,
          output: io.stdout,
          banner: `stackmedic console: ${target.description}.${demo ? ' This is the demo: no Slack credentials and no inventory are set. Try /cluster status.' : ''} Type /help, or exit.`,
        }),
      );
    }
    if (sub === 'diagnose') {
      const { values } = parseArgs({
        args: rest,
        options: { logs: { type: 'string' }, json: { type: 'boolean', default: false }, timezone: { type: 'string' } },
        strict: true,
      });
      if (!values.logs) throw new UserError('stackmedic diagnose needs --logs DIR (a directory laid out as <node>/<absolute log path>)');
      const { runDiagnose } = await import('../signatures/diagnose.js');
      const r = await runDiagnose({ logsDir: values.logs, json: values.json, signaturesDir: env.signaturesDir, zone: values.timezone ?? env.logTimezone });
      io.stdout.write(r.output);
      return r.exitCode;
    }
    if (sub === 'sim') {
      const [verb, ...simArgs] = rest;
      if (verb !== 'serve') throw new UserError('usage: stackmedic sim serve --nodes N --scenario SCENARIO [--dir DIR] [--base-port PORT]');
      const { values } = parseArgs({
        args: simArgs,
        options: {
          nodes: { type: 'string', default: '6' },
          scenario: { type: 'string', default: 'healthy' },
          dir: { type: 'string' },
          'base-port': { type: 'string' },
        },
        strict: true,
      });
      const { isScenarioName, SCENARIOS, serveSim } = await import('../sim/index.js');
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5000) throw new UserError('--nodes must be a whole number from 1 to 5000');
      if (!isScenarioName(values.scenario)) throw new UserError(`unknown scenario "${values.scenario}"; choose one of: ${Object.keys(SCENARIOS).join(', ')}`);
      const basePort = values['base-port'] === undefined ? undefined : Number(values['base-port']);
      const handle = await serveSim({
        scenario: values.scenario,
        nodes,
        ...(values.dir ? { dir: values.dir } : {}),
        ...(basePort !== undefined ? { basePort } : {}),
        print: out,
      });
      await handle.done;
      return 0;
    }
    if (sub === 'serve' || (sub === undefined && hasSlackCredentials(env))) {
      const { values } = parseArgs({ args: rest, options: TARGET_OPTIONS, allowPositionals: false, strict: true });
      // Loaded on demand: Bolt is only needed when serving Slack.
      const { serveSlack } = await import('../slack/serve.js');
      return await serveSlack({ target: await resolveTarget(values, env), out, err });
    }
    err(sub === undefined ? HELP : `unknown command "${sub}"\n\n${HELP}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`stackmedic: configuration error: ${error.message}`);
      return 2;
    }
    if (error instanceof UserError) {
      err(`stackmedic: ${error.message}`);
      return 2;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      err(`stackmedic: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}
