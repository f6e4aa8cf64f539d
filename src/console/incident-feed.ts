import type { StackmedicApp } from '../app/create-app.js';
import { startClusterMonitoring } from '../app/cluster-monitoring.js';
import type { EnvOptions } from '../config/env.js';
import { CONSOLE_CHANNEL, ConsoleIncidentChannel } from './incident-channel.js';

/** Where work running beside the prompt prints, without garbling what is being typed. */
export interface ConsoleOutput {
  /** A message on standard output. */
  print(text: string): void;
  /** A log line on standard error. */
  warn(text: string): void;
}

/** Work the console runs beside its prompt (the incident check), started once the banner is out. */
export interface BackgroundWork {
  /** Settles when the first pass is over: piped input waits for it, a terminal does not. */
  readonly ready: Promise<void>;
  /** Stops it and waits for a pass in progress. */
  stop(): Promise<void>;
  /** Stops it at once and silences it (a stop signal: the store is about to close). */
  halt(): void;
}

/** How often the simulator is checked: often enough that the demo's incident moves while you watch. */
export const SIM_SCHEDULE = '*/10 * * * * *';
/** Green minutes before a simulated incident resolves, instead of the ten a real cluster waits. */
export const SIM_RESOLVE_AFTER_MINUTES = 1;

/**
 * The environment of the console's incident check, or undefined when there is none. On the
 * simulator the check always runs, every 10 s, and an incident resolves after one green minute,
 * unless STACKMEDIC_SCHEDULE or STACKMEDIC_RESOLVE_AFTER_MINUTES say otherwise. On an inventory
 * it runs only when STACKMEDIC_SCHEDULE is set: a console on a real cluster does not start
 * probing it on a timer unasked.
 */
export function consoleMonitoringEnv(env: EnvOptions, raw: NodeJS.ProcessEnv, simulated: boolean): EnvOptions | undefined {
  const set = (name: string): boolean => (raw[name]?.trim() ?? '') !== '';
  if (!simulated) return set('STACKMEDIC_SCHEDULE') ? env : undefined;
  return {
    ...env,
    schedule: set('STACKMEDIC_SCHEDULE') ? env.schedule : SIM_SCHEDULE,
    resolveAfterMinutes: set('STACKMEDIC_RESOLVE_AFTER_MINUTES') ? env.resolveAfterMinutes : SIM_RESOLVE_AFTER_MINUTES,
  };
}

/**
 * The scheduler `serve` runs, with the console as its incident channel: the first check runs at
 * once, then on the schedule; incident messages go to standard output, the scheduler's log lines to
 * standard error.
 */
export function consoleIncidentFeed(options: {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  readonly json: boolean;
}): (out: ConsoleOutput) => BackgroundWork {
  return (out) => {
    let halted = false;
    const several = options.stackmedic.clusters.length > 1;
    // Every cluster is checked, each on its schedule; with several, each message says whose it is.
    const monitoring = startClusterMonitoring({
      stackmedic: options.stackmedic,
      env: options.env,
      publisher: (cluster) =>
        new ConsoleIncidentChannel((text) => {
          if (!halted) out.print(several ? `[${cluster}] ${text}` : text);
        }, options.json),
      channelOf: () => CONSOLE_CHANNEL,
      log: (line) => {
        if (!halted) out.warn(line);
      },
      start: false,
    });
    const each = monitoring?.each ?? [];
    // The cron jobs start after the first pass, so that their first tick is not skipped as overlapping.
    const ready = Promise.all(each.map((e) => e.monitoring.scheduler.tick())).then(() => {
      if (!halted) for (const e of each) e.monitoring.scheduler.start();
    });
    return {
      ready,
      async stop() {
        await ready;
        await monitoring?.stop();
        halted = true;
      },
      halt() {
        halted = true;
        void monitoring?.stop();
      },
    };
  };
}
