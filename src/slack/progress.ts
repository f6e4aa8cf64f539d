import type { Logger } from '@slack/bolt';
import type { ProgressSink } from '../router/types.js';
import type { PostedMessage, SlackPoster } from './poster.js';
import type { SlackMessage } from './render.js';

/** Options of a progress message. */
export interface ProgressOptions {
  /** Update the message at most this often; Slack rate-limits chat.update to about one a second. */
  readonly minIntervalMs?: number;
  /** A message to update instead of posting a new one (the confirmation message). */
  readonly message?: PostedMessage | undefined;
  readonly threadTs?: string | undefined;
}

/**
 * A channel message that shows the step a long command is on ("step 2/5: restarting
 * libvirtd..."): posted at the first step, then updated in place, throttled, latest step wins.
 * Reporting never throws and never blocks the command; a failed update is only logged.
 */
export class ProgressMessage {
  private message: PostedMessage | undefined;
  private latest: string | undefined;
  private shown: string | undefined;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;
  private finished = false;
  private readonly minIntervalMs: number;

  constructor(
    private readonly poster: SlackPoster,
    private readonly channel: string,
    private readonly render: (step: string) => SlackMessage,
    private readonly logger: Logger,
    private readonly options: ProgressOptions = {},
  ) {
    this.message = options.message;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
  }

  /** The sink to hand to the router. */
  get sink(): ProgressSink {
    return (step) => this.report(step);
  }

  /** Records a step; the message catches up as soon as the throttle allows. */
  report(step: string): void {
    if (this.finished) return;
    this.latest = step;
    this.schedule();
  }

  /** Stops updating and waits for the update in flight; returns the message, if one exists. */
  async finish(): Promise<PostedMessage | undefined> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    return this.message;
  }

  private schedule(): void {
    if (this.inFlight || this.timer || this.finished) return;
    const wait = this.lastSentAt + this.minIntervalMs - Date.now();
    if (wait > 0 && this.message) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    const step = this.latest;
    if (step === undefined || step === this.shown) return;
    this.inFlight = this.send(step).finally(() => {
      this.inFlight = undefined;
      if (this.latest !== this.shown) this.schedule();
    });
  }

  private async send(step: string): Promise<void> {
    this.lastSentAt = Date.now();
    this.shown = step;
    try {
      const content = this.render(step);
      // Posted and updated as "running": the store remembers the message until its final update,
      // so a start after a crash can say the command was interrupted.
      if (this.message) await this.poster.update(this.message, content, { running: true });
      else this.message = await this.poster.post(this.channel, content, { threadTs: this.options.threadTs, running: true });
    } catch (error) {
      // Progress is a courtesy: the final result still gets posted (or falls back to response_url).
      this.logger.warn(`[stackmedic] progress update failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
