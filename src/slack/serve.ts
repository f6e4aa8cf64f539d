import { createApp } from '../app/create-app.js';
import type { Target } from '../cli/target.js';
import { attachIncidentStore, startIncidentMonitoring } from '../incidents/index.js';
import { createSlackApp, SLACK_EVENTS_PATH } from './app.js';

/** What `stackmedic serve` needs. */
export interface ServeSlackOptions {
  readonly target: Target;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Stops serving when aborted (tests); SIGINT and SIGTERM always do. */
  readonly signal?: AbortSignal;
}

/**
 * `stackmedic serve`: the Slack adapter in front of the target cluster until SIGINT or SIGTERM.
 * Returns the exit code. Configuration problems surface as ConfigError before anything listens.
 */
export async function serveSlack(options: ServeSlackOptions): Promise<number> {
  const { target } = options;
  // Listen for the stop signals first: a SIGTERM that lands between "serving" and the listener
  // would otherwise kill the process without closing the store.
  let stopHandler: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stopHandler = (): void => {
      process.off('SIGINT', stopHandler);
      process.off('SIGTERM', stopHandler);
      resolve();
    };
    process.once('SIGINT', stopHandler);
    process.once('SIGTERM', stopHandler);
    options.signal?.addEventListener('abort', stopHandler, { once: true });
  });
  const stackmedic = createApp({ inventory: target.inventory, env: target.env });
  try {
    attachIncidentStore(stackmedic);
    const slack = createSlackApp({ stackmedic, env: target.env });
    const listening = await slack.start();
    // The scheduled check posts incident threads, so it runs only when it has a channel to post in.
    const incidents = target.env.incidentChannel
      ? startIncidentMonitoring({ stackmedic, env: target.env, publisher: slack.publisher, log: options.out })
      : undefined;
    options.out(
      `stackmedic: serving Slack (${listening.mode === 'socket' ? 'Socket Mode' : `HTTP on port ${listening.port ?? target.env.port}, ${SLACK_EVENTS_PATH}`}) for ${target.description}. Ctrl-C stops.`,
    );
    if (stackmedic.interruptedOnStart > 0) {
      options.err(
        `stackmedic: ${stackmedic.interruptedOnStart} command(s) left unfinished by the previous run are marked interrupted in the audit log (/cluster audit).`,
      );
    }
    await stopped;
    options.out('stackmedic: stopping.');
    await incidents?.stop();
    await slack.stop();
    return 0;
  } finally {
    stopHandler();
    await stackmedic.close();
    await target.close();
  }
}
