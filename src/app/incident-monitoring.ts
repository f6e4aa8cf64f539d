import type { EnvOptions } from '../config/env.js';
import { IncidentMonitor } from '../incidents/monitor.js';
import type { IncidentPublisher } from '../incidents/publisher.js';
import { IncidentScheduler } from '../incidents/scheduler.js';
import type { IncidentStore } from '../incidents/store.js';
import { IncidentThread } from '../incidents/thread.js';
import type { StackmedicApp } from './create-app.js';

/** Running incident monitoring: the scheduled check and what it writes to. */
export interface IncidentMonitoring {
  readonly store: IncidentStore;
  readonly monitor: IncidentMonitor;
  readonly scheduler: IncidentScheduler;
  /** Stops the schedule and waits for a check in progress. */
  stop(): Promise<void>;
}

/**
 * Wires incident monitoring onto an app: the store (also reachable by `/incident`), the monitor
 * with the Slack thread in `channel` when a publisher is given, and the cron schedule
 * (STACKMEDIC_SCHEDULE), started unless `start` is false.
 */
export function startIncidentMonitoring(options: {
  readonly stackmedic: StackmedicApp;
  readonly env: EnvOptions;
  readonly publisher?: IncidentPublisher;
  readonly channel?: string;
  readonly log?: (line: string) => void;
  readonly start?: boolean;
}): IncidentMonitoring {
  const { stackmedic, env } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const store = stackmedic.services.incidents;
  const channel = options.channel ?? env.incidentChannel;
  const clock = stackmedic.services.clock;
  const thread =
    options.publisher && channel
      ? new IncidentThread({ publisher: options.publisher, store, channel, clock, resolveAfterMinutes: env.resolveAfterMinutes })
      : undefined;
  const monitor = new IncidentMonitor({
    inventory: stackmedic.inventory,
    executor: stackmedic.pool,
    catalog: stackmedic.services.catalog,
    store,
    audit: stackmedic.services.audit,
    clock,
    policy: { resolveAfterMs: env.resolveAfterMinutes * 60_000, reopenWithinMs: (env.reopenWithinMinutes ?? 60) * 60_000 },
    check: { concurrency: env.concurrency, logTimezone: env.logTimezone, evidenceHours: env.evidenceHours ?? 48 },
    ...(thread ? { thread } : {}),
    log,
  });
  const scheduler = new IncidentScheduler(() => monitor.run(), { schedule: env.schedule, log, clock });
  if (options.start !== false) scheduler.start();
  return { store, monitor, scheduler, stop: () => scheduler.stop() };
}
