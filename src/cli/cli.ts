import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
// Only what every subcommand needs is imported here; the app, the console, Slack and the simulator
// load on demand, so `diagnose` and `--help` do not pay for ssh2, pg, handlebars or Bolt at start.
import type { StackmedicApp } from '../app/create-app.js';
import { hasSlackCredentials, readEnvOptions, type EnvOptions } from '../config/env.js';
import type { BackgroundWork, ConsoleOutput } from '../console/incident-feed.js';
import { ConfigError, UsageError, UserError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { consoleActor } from './actor.js';
import { SIGNATURES_PROPOSE_USAGE, SIGNATURES_TEST_USAGE } from './signatures-usage.js';
import type { Target } from './target.js';

/** Where the CLI reads and writes; injectable so tests drive the same entry point. */
export interface CliIO {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Ends the process at once after a stop signal's shutdown (main passes process.exit). */
  readonly exit?: (code: number) => void;
}

/** The subcommands, each with its own `--help`. */
type Subcommand = 'run' | 'console' | 'diagnose' | 'signatures propose' | 'signatures test' | 'sim serve' | 'serve' | 'doctor' | 'backup';

const TARGET_HELP = `  --inventory FILE   the cluster's inventory (stackmedic YAML or Ansible); default STACKMEDIC_INVENTORY
  --sim SCENARIO     a simulated cluster instead ({scenarios}); nothing real is touched`;

/**
 * Usage of each subcommand: the first line is its synopsis (the global help lists them), the
 * rest is what `stackmedic SUBCOMMAND --help` prints. `{scenarios}` becomes the simulator's list.
 */
const USAGE: Readonly<Record<Subcommand, string>> = {
  run: `stackmedic run "<command>" [--inventory FILE | --sim SCENARIO] [--json] [--yes]

Runs one command, the same as in Slack (/cluster status, /rabbit heal node-10, ...), and exits.
Commands that change the cluster show what will run where and need --yes without a terminal.

${TARGET_HELP}
  --json             machine-readable output
  -y, --yes          answer yes to confirmations (for scripts)
  -h, --help         this help

Examples:
  stackmedic run "/cluster ping" --inventory inventory.yml
  stackmedic run "/cluster status" --sim seed-incident
  stackmedic run "/cluster help"

Exit codes: 0 ok, 1 the command failed or found problems, 2 bad usage (unknown command, node or
option; text that is not plain words) or bad configuration.`,
  console: `stackmedic console [--inventory FILE | --sim SCENARIO] [--json] [--yes]

An interactive prompt with history on the cluster; reads one command per line from a pipe.
With no arguments and nothing configured, \`stackmedic\` opens it on the simulated seed outage.
The incident check \`serve\` schedules runs here too, its thread printed as Slack shows it: on the
simulator every 10 s, an incident resolving after one green minute (STACKMEDIC_SCHEDULE and
STACKMEDIC_RESOLVE_AFTER_MINUTES change that); on an inventory only when STACKMEDIC_SCHEDULE is
set. From a pipe, the commands wait for the first check, so its messages come first.

${TARGET_HELP}
  --json             machine-readable output
  -y, --yes          answer yes to confirmations
  -h, --help         this help

Exit codes: 0 every command succeeded, 1 one failed, 2 bad usage or configuration.`,
  diagnose: `stackmedic diagnose --logs DIR [--json] [--timezone ZONE] [--no-redact]

Offline analysis of logs copied off a cluster, laid out as DIR/<node>/<absolute log path>:
findings, the root cause and the causal chain.

  --logs DIR         the collected logs
  --json             machine-readable output
  --timezone ZONE    zone of log timestamps that carry none (default STACKMEDIC_LOG_TIMEZONE, UTC)
  --no-redact        show passwords, tokens and keys found in the logs (hidden by default)
  -h, --help         this help

Exit codes: 0 nothing found, 1 findings, 2 bad usage or configuration.`,
  'signatures propose': SIGNATURES_PROPOSE_USAGE,
  'signatures test': SIGNATURES_TEST_USAGE,
  'sim serve': `stackmedic sim serve [--nodes N] [--scenario SCENARIO] [--dir DIR] [--base-port PORT]

A simulated cluster as its own process, until Ctrl-C: writes an inventory, known_hosts and a
client key into DIR and prints the inventory's path, for other stackmedic processes to use.

  --nodes N          number of nodes, 1 to 5000 (default 6)
  --scenario NAME    {scenarios} (default healthy)
  --dir DIR          where the files go (default: a new temporary directory)
  --base-port PORT   node i listens on PORT + i (default: free ports)
  -h, --help         this help`,
  serve: `stackmedic serve [--inventory FILE | --sim SCENARIO]   (Slack: docs/slack.md)

Serves the slash commands in Slack until SIGINT or SIGTERM: Socket Mode when SLACK_APP_TOKEN is
set, else HTTP on PORT with SLACK_SIGNING_SECRET; SLACK_BOT_TOKEN is always needed. With
STACKMEDIC_INCIDENT_CHANNEL set, the scheduler checks the cluster on STACKMEDIC_SCHEDULE.
Run \`stackmedic doctor\` first: it checks the tokens, scopes and channel.

${TARGET_HELP}
  -h, --help         this help

Exit codes: 0 stopped by a signal, 2 bad configuration.`,
  doctor: `stackmedic doctor [--inventory FILE [--cluster NAME] | --sim SCENARIO] [--json]

Checks what stackmedic needs before you trust its answers, one line each (✔ pass, ✘ fail,
! warning, - not configured), with what to do:
  configuration  every environment variable, the inventory, known_hosts, permissions, signatures
  nodes          reachable, host key in known_hosts (never trusted on first use), login, sudo -n,
                 the tools the probes of the node's roles run
  coverage       areas of /cluster status no node will check; nodes nothing checks
  slack          when SLACK_BOT_TOKEN is set: the token, its scopes, the mode, the incident channel
  store          STACKMEDIC_DB opens, its schema is current, it is writable
  schedule       STACKMEDIC_SCHEDULE is valid; its next three runs

${TARGET_HELP}
  --cluster NAME     only this cluster of an inventory that holds several (default: each one)
  --json             machine-readable output
  -h, --help         this help

Exit codes: 0 every check passes, 1 a check fails, 2 bad usage or bad configuration.`,
  backup: `stackmedic backup FILE

Copies the store (STACKMEDIC_DB: audit, incidents, confirmations, undelivered answers) to FILE
with SQLite's online backup API: safe while \`stackmedic serve\` runs. Never overwrites FILE.

  -h, --help         this help

Exit codes: 0 copied and checked, 2 no store, FILE exists, or bad usage.`,
};

/** The help of one subcommand, with the simulator's scenarios filled in. */
async function usage(sub: Subcommand): Promise<string> {
  const { SCENARIOS } = await import('../sim/index.js');
  return `Usage: ${USAGE[sub].replaceAll('{scenarios}', Object.keys(SCENARIOS).join(', '))}`;
}

/** The synopsis of a subcommand: the first line of its usage. */
function synopsis(sub: Subcommand): string {
  return USAGE[sub].split('\n')[0] ?? sub;
}

const HELP = `stackmedic: see and heal an OpenStack cluster from Slack or a terminal

Usage:
${(Object.keys(USAGE) as Subcommand[]).map((s) => `  ${synopsis(s)}`).join('\n')}
  stackmedic --help | --version
  stackmedic SUBCOMMAND --help    the options of one subcommand

Examples:
  stackmedic run "/cluster ping" --inventory inventory.yml
  stackmedic run "/cluster status" --sim seed-incident
  stackmedic doctor --inventory inventory.yml
  stackmedic run "/cluster help"

Exit codes: 0 ok, 1 the command failed or found problems, 2 bad configuration or usage.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

const TARGET_OPTIONS = {
  inventory: { type: 'string' },
  sim: { type: 'string' },
  json: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  ...HELP_OPTION,
} as const;

/** Node's parseArgs, with its errors as usage errors of `sub` (exit code 2, the subcommand's help). */
async function parseFor<T extends ParseArgsConfig>(sub: Subcommand, config: T): Promise<ReturnType<typeof parseArgs<T>>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message, await usage(sub));
    throw error;
  }
}

/** Resolves `--inventory` / `--sim` into a cluster to talk to. */
export type TargetResolver = (options: { inventory?: string | undefined; sim?: string | undefined }, env: EnvOptions) => Promise<Target>;

const defaultResolver: TargetResolver = async (options, env) => (await import('./target.js')).resolveTarget(options, env);

/**
 * Wires the app for a target, loads the signature catalog first (a bad SIGNATURES_DIR is a
 * start-up error, exit 2, not a failed command later), runs `body`, and always lets both go.
 * `clock` is the app's clock (the console on the simulator runs on the simulated cluster's time);
 * `halt` stops background work at once when a stop signal cuts `body` short.
 */
async function withApp(
  target: Target,
  io: CliIO,
  body: (app: StackmedicApp) => Promise<number>,
  options: { clock?: (() => Date) | undefined; halt?: () => void } = {},
): Promise<number> {
  const { createApp } = await import('../app/create-app.js');
  const { runUntilStopped } = await import('../lifecycle/run-until-stopped.js');
  const app = createApp({
    inventory: target.inventory,
    ...(target.clusters ? { clusters: target.clusters } : {}),
    env: target.env,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    await app.services.catalog();
    // SIGINT/SIGTERM: the running command finishes or is marked interrupted, the store closes last.
    const closeTarget = (): Promise<void> => {
      options.halt?.();
      return target.close();
    };
    return await runUntilStopped(() => body(app), { app, closeTarget, log: (l) => io.stderr.write(`${l}\n`), exit: io.exit });
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
      const topic = rest.join(' ');
      out(topic in USAGE ? await usage(topic as Subcommand) : HELP);
      return 0;
    }
    if (sub === '--version' || sub === '-V') {
      out(version());
      return 0;
    }
    if (sub === 'doctor') {
      // Before readEnvOptions: a bad variable is one of the doctor's findings, not a reason to stop.
      const { values } = await parseFor('doctor', {
        args: rest,
        options: { inventory: TARGET_OPTIONS.inventory, cluster: { type: 'string' }, sim: TARGET_OPTIONS.sim, json: TARGET_OPTIONS.json, ...HELP_OPTION },
        strict: true,
      });
      if (values.help) {
        out(await usage('doctor'));
        return 0;
      }
      if (values.sim !== undefined && values.inventory !== undefined)
        throw new UsageError('pass either --sim SCENARIO or --inventory FILE, not both', await usage('doctor'));
      const { runDoctor } = await import('../doctor/run.js');
      const { renderDoctorJson, renderDoctorText } = await import('../doctor/render.js');
      const report = await runDoctor({ env: io.env, inventory: values.inventory, cluster: values.cluster, sim: values.sim });
      out(values.json ? renderDoctorJson(report) : renderDoctorText(report));
      return report.exitCode;
    }
    const env = readEnvOptions(io.env);
    if (sub === 'backup') {
      const { values, positionals } = await parseFor('backup', { args: rest, options: { ...HELP_OPTION }, allowPositionals: true, strict: true });
      if (values.help) {
        out(await usage('backup'));
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError('stackmedic backup takes one FILE to copy the store to', await usage('backup'));
      const { backupStore } = await import('../lifecycle/backup.js');
      const target = positionals[0] ?? '';
      const r = await backupStore(env.databasePath, target);
      out(`stackmedic: copied ${env.databasePath} to ${target} (${r.pages} pages, schema ${r.schema}, integrity ok)`);
      return 0;
    }
    if (sub === 'run') {
      const { values, positionals } = await parseFor('run', { args: rest, options: TARGET_OPTIONS, allowPositionals: true, strict: true });
      if (values.help) {
        out(await usage('run'));
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError(`stackmedic run takes one command in quotes, e.g. stackmedic run "/cluster ping"`, await usage('run'));
      const text = positionals[0] ?? '';
      const { formatReply, replyJson } = await import('../console/format.js');
      const { runLine } = await import('../console/session.js');
      return await withApp(await resolveTarget(values, env), io, async (app) => {
        const invocation = { text, actor: consoleActor(), role: 'admin' as const };
        // The router answers help and refusals of the command line itself (unknown command, node
        // or option, text that is not plain words) without touching a node; as admin nothing is
        // denied, so a failed early answer is bad usage: exit 2, as for the CLI's own options.
        const early = app.router.prepare(invocation);
        if (early.kind === 'answered' && early.result.kind === 'reply' && !early.result.reply.ok) {
          out(values.json ? replyJson(early.result) : formatReply(early.result.reply));
          return 2;
        }
        const ok = await runLine(text, { router: app.router, ...invocation, json: values.json, yes: values.yes, io: { print: out } });
        return ok ? 0 : 1;
      });
    }
    if (sub === 'console' || (sub === undefined && !hasSlackCredentials(env))) {
      const { values } = await parseFor('console', { args: rest, options: TARGET_OPTIONS, allowPositionals: false, strict: true });
      if (values.help) {
        out(await usage('console'));
        return 0;
      }
      // `npm start` with nothing configured is the demo: the simulated cluster in the seed outage.
      const { runConsole } = await import('../console/console.js');
      const { consoleIncidentFeed, consoleMonitoringEnv, SIM_SCHEDULE } = await import('../console/incident-feed.js');
      const demo = sub === undefined && values.inventory === undefined && values.sim === undefined && !env.inventoryPath;
      const target = await resolveTarget(demo ? { sim: 'seed-incident' } : values, env);
      // The scheduler `serve` runs, with the terminal as its incident channel (src/console/incident-feed.ts).
      const monitoring = consoleMonitoringEnv(target.env, io.env, target.simulated === true);
      const checks = monitoring
        ? ` Incident checks run ${monitoring.schedule === SIM_SCHEDULE ? 'every 10 s' : `on "${monitoring.schedule}"`} and print here as in their Slack thread.`
        : '';
      let background: BackgroundWork | undefined;
      return await withApp(
        target,
        io,
        (app) =>
          runConsole({
            router: app.router,
            actor: consoleActor(),
            role: 'admin',
            json: values.json,
            yes: values.yes,
            input: io.stdin,
            output: io.stdout,
            errorOutput: io.stderr,
            banner: `stackmedic console: ${target.description}.${demo ? ' This is the demo: no Slack credentials and no inventory are set. Try /cluster status.' : ''}${checks} Type /help, or exit.`,
            ...(monitoring
              ? { background: (o: ConsoleOutput) => (background = consoleIncidentFeed({ stackmedic: app, env: monitoring, json: values.json })(o)) }
              : {}),
          }),
        { clock: target.clock, halt: () => background?.halt() },
      );
    }
    if (sub === 'diagnose') {
      const { values } = await parseFor('diagnose', {
        args: rest,
        options: {
          logs: { type: 'string' },
          json: { type: 'boolean', default: false },
          timezone: { type: 'string' },
          'no-redact': { type: 'boolean', default: false },
          ...HELP_OPTION,
        },
        strict: true,
      });
      if (values.help) {
        out(await usage('diagnose'));
        return 0;
      }
      if (!values.logs)
        throw new UsageError('stackmedic diagnose needs --logs DIR (a directory laid out as <node>/<absolute log path>)', await usage('diagnose'));
      const { runDiagnose } = await import('../signatures/diagnose.js');
      const r = await runDiagnose({
        logsDir: values.logs,
        json: values.json,
        signaturesDir: env.signaturesDir,
        zone: values.timezone ?? env.logTimezone,
        redact: !values['no-redact'],
      });
      io.stdout.write(r.output);
      return r.exitCode;
    }
    if (sub === 'signatures') {
      const { runSignaturesCli } = await import('./signatures-cli.js');
      return await runSignaturesCli(rest, env, { out, err });
    }
    if (sub === 'sim') {
      const [verb, ...simArgs] = rest;
      if (verb === '--help' || verb === '-h' || verb === 'help') {
        out(await usage('sim serve'));
        return 0;
      }
      if (verb !== 'serve')
        throw new UsageError(verb === undefined ? 'stackmedic sim needs a verb: serve' : `unknown sim verb "${verb}"`, await usage('sim serve'));
      const { values } = await parseFor('sim serve', {
        args: simArgs,
        options: {
          nodes: { type: 'string', default: '6' },
          scenario: { type: 'string', default: 'healthy' },
          dir: { type: 'string' },
          'base-port': { type: 'string' },
          ...HELP_OPTION,
        },
        strict: true,
      });
      if (values.help) {
        out(await usage('sim serve'));
        return 0;
      }
      const { isScenarioName, SCENARIOS, serveSim } = await import('../sim/index.js');
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5000)
        throw new UsageError('--nodes must be a whole number from 1 to 5000', await usage('sim serve'));
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
      const { values } = await parseFor('serve', { args: rest, options: TARGET_OPTIONS, allowPositionals: false, strict: true });
      if (values.help) {
        out(await usage('serve'));
        return 0;
      }
      // Loaded on demand: Bolt is only needed when serving Slack.
      const { serveSlack } = await import('../slack/serve.js');
      return await serveSlack({ target: await resolveTarget(values, env), out, err, exit: io.exit });
    }
    err(sub === undefined ? HELP : `unknown command "${sub}"\n\n${HELP}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`stackmedic: configuration error: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      err(`stackmedic: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (error instanceof UserError) {
      err(`stackmedic: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
