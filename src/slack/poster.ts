import { webApi, type Logger, type RespondFn, type types } from '@slack/bolt';
import { errorReference } from '../errors.js';
import type { RunMessageStore } from '../lifecycle/run-messages.js';
import type { Outbox } from '../outbox/outbox.js';
import { redact, redactDeep } from '../redact.js';
import type { Reply, ReplyFile, SlackBlock } from '../router/types.js';
import { renderReply, type RenderOptions, type SlackMessage } from './render.js';
import { codeSections } from './split.js';

/** Where a posted message lives, to update it or reply in its thread. */
export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/** A Slack call that failed for good (after the Web API client's own retries). */
export class SlackPostError extends Error {
  override readonly name = 'SlackPostError';
  readonly code = 'stackmedic_slack_post';
  /** Slack's Retry-After, when it refused for a rate limit longer than an answer may wait. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    /** The reference logged with the details; show it to the user. */
    readonly reference: string,
    options?: { cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** How the poster behaves under rate limits and at shutdown. */
export interface PosterOptions {
  /**
   * Aborted when shutdown stops waiting for work: calls in flight fail at once (their answers
   * go to the response_url or the outbox) instead of holding the process.
   */
  readonly abandon?: AbortSignal | undefined;
  /**
   * The longest Retry-After an answer waits for (default 15 s); a longer rate limit makes the
   * call fail at once so the answer takes the response_url instead of arriving an hour late.
   */
  readonly maxRateLimitWaitMs?: number | undefined;
  /** Where the messages of running commands are remembered (updated after a crash). */
  readonly runs?: RunMessageStore | undefined;
  /** Where answers Slack would not take wait for another try. */
  readonly outbox?: Outbox | undefined;
}

const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 15_000;
const RATE_LIMIT_RETRIES = 3;

/** Slack's Retry-After in ms, when `error` is a rate-limit refusal. */
function retryAfterMsOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; retryAfter?: unknown } | null;
  if (e?.code !== webApi.ErrorCode.RateLimitedError || typeof e.retryAfter !== 'number') return undefined;
  return e.retryAfter * 1000;
}

/** Thrown by a call abandoned at shutdown. */
class AbandonedError extends Error {
  constructor() {
    super('stackmedic is shutting down');
  }
}

/** After shutdown abandoned work, a new call (an answer's fallback) still gets this long. */
const LATE_CALL_MS = 1000;

/** The signal a call starting now obeys: the abandon signal, or a short timeout once it fired. */
function callSignal(abandon: AbortSignal | undefined): AbortSignal | undefined {
  if (!abandon) return undefined;
  return abandon.aborted ? AbortSignal.timeout(LATE_CALL_MS) : abandon;
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the work itself is left to end alone). */
function unlessAbandoned<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new AbandonedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbandonedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return unlessAbandoned(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), signal);
}

/**
 * What incidents and schedulers need to talk to a channel, without knowing about Slack: post a
 * reply (long output goes to its thread or a file), update it in place, reply in its thread.
 */
export interface ChannelPublisher {
  /** Posts `reply` in `channel` (or in the thread of `threadTs`); returns the new message. */
  postReply(channel: string, reply: Reply, options?: { threadTs?: string; footer?: string }): Promise<PostedMessage>;
  /** Replaces a message's content with `reply` (overflow goes to its thread). */
  updateReply(message: PostedMessage, reply: Reply, options?: { footer?: string }): Promise<PostedMessage>;
}

type WebClient = webApi.WebClient;
type FetchLike = webApi.FetchFunction;
type Blocks = types.Block[];

/** Router blocks are structural (no SDK types in commands); Slack validates them on arrival. */
function toBlocks(blocks: readonly SlackBlock[]): Blocks {
  return blocks as unknown as Blocks;
}

function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: string } }).data;
  if (data?.error) return data.error;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The only place stackmedic's Slack messages leave from: every payload is redacted here, every
 * final failure is logged with a reference and thrown as a SlackPostError.
 */
export class SlackPoster implements ChannelPublisher {
  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly options: PosterOptions = {},
  ) {}

  /**
   * A poster with its own Web API client: rate limits are refused at once (`rejectRateLimitedCalls`)
   * so the poster decides how long an answer may wait, and requests in flight are aborted when
   * shutdown abandons them.
   */
  static forToken(token: string, clientOptions: webApi.WebClientOptions, logger: Logger, options: PosterOptions = {}): SlackPoster {
    const abandon = options.abandon;
    const base: FetchLike = clientOptions.fetch ?? ((url, init) => globalThis.fetch(url, init));
    const fetchFn: FetchLike = abandon
      ? (url, init) => {
          const stop = callSignal(abandon) ?? abandon;
          return base(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stop]) : stop });
        }
      : base;
    const client = new webApi.WebClient(token, { ...clientOptions, rejectRateLimitedCalls: true, fetch: fetchFn });
    return new SlackPoster(client, logger, options);
  }

  /** Where running commands' messages are remembered, if anywhere. */
  get runs(): RunMessageStore | undefined {
    return this.options.runs;
  }

  /** Where undelivered answers are kept, if anywhere. */
  get outbox(): Outbox | undefined {
    return this.options.outbox;
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    const maxWait = this.options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await unlessAbandoned(fn(), callSignal(this.options.abandon));
      } catch (error) {
        const retryAfterMs = retryAfterMsOf(error);
        if (retryAfterMs !== undefined && retryAfterMs <= maxWait && attempt < RATE_LIMIT_RETRIES && !this.options.abandon?.aborted) {
          try {
            await sleep(retryAfterMs, this.options.abandon);
            continue;
          } catch {
            // Abandoned while waiting: fail below like any other call.
          }
        }
        const ref = errorReference();
        const why = retryAfterMs !== undefined ? `rate limited for ${Math.round(retryAfterMs / 1000)} s` : slackErrorCode(error);
        this.logger.error(`[stackmedic] Slack call failed, ref ${ref}, while ${doing}: ${why}`);
        throw new SlackPostError(`Slack refused the message while ${doing}: ${why}`, ref, { cause: error, retryAfterMs });
      }
    }
  }

  /** Posts one message; with `running`, it shows a command in progress and is remembered until settled. */
  async post(channel: string, message: SlackMessage, options: { threadTs?: string | undefined; running?: boolean } = {}): Promise<PostedMessage> {
    const safe = redactDeep(message);
    const res = await this.call(`posting to ${channel}`, () =>
      this.client.chat.postMessage({
        channel,
        text: safe.text,
        blocks: toBlocks(safe.blocks),
        ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    const posted = { channel: res.channel ?? channel, ts: res.ts ?? '' };
    if (options.running) await this.remember(posted, safe, true);
    return posted;
  }

  /**
   * Replaces the content of a message. With `running`, the message shows a command in progress
   * and is remembered so that a restart can say it was interrupted; without, it is settled.
   */
  async update(message: PostedMessage, content: SlackMessage, options: { running?: boolean } = {}): Promise<void> {
    const safe = redactDeep(content);
    await this.call(`updating message ${message.ts} in ${message.channel}`, () =>
      this.client.chat.update({ channel: message.channel, ts: message.ts, text: safe.text, blocks: toBlocks(safe.blocks) }),
    );
    await this.remember(message, safe, options.running === true);
  }

  private async remember(message: PostedMessage, content: SlackMessage, running: boolean): Promise<void> {
    const runs = this.options.runs;
    if (!runs || !message.ts) return;
    try {
      if (running) await runs.showing(message.channel, message.ts, content);
      else await runs.settled(message.channel, message.ts);
    } catch (error) {
      // Remembering is for after a crash; it must not fail the message itself.
      this.logger.warn(`[stackmedic] could not remember message ${message.ts}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Shows a message to one user only. */
  async ephemeral(channel: string, user: string, message: SlackMessage, options: { threadTs?: string | undefined } = {}): Promise<void> {
    const safe = redactDeep(message);
    await this.call(`posting to ${user} in ${channel}`, () =>
      this.client.chat.postEphemeral({
        channel,
        user,
        text: safe.text,
        blocks: toBlocks(safe.blocks),
        ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
      }),
    );
  }

  /** Uploads a file into a thread (files.uploadV2): its text, or a binary file's bytes. */
  async upload(channel: string, threadTs: string, file: ReplyFile): Promise<void> {
    await this.call(`uploading ${file.filename} to ${channel}`, () =>
      this.client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        filename: file.filename,
        title: redact(file.title),
        // A picture's text went through redaction before it was drawn; its bytes cannot be.
        ...(file.base64 !== undefined ? { file: Buffer.from(file.base64, 'base64') } : { content: redact(file.content) }),
      }),
    );
  }

  /**
   * Sends a message through a slash command's or button's response_url: the way out when the Web
   * API refused (bot not in a private channel, a revoked scope, Slack trouble).
   */
  async viaResponseUrl(respond: RespondFn, message: SlackMessage, responseType: 'ephemeral' | 'in_channel'): Promise<void> {
    const safe = redactDeep(message);
    await this.call('answering through the response_url', () =>
      respond({ response_type: responseType, replace_original: false, text: safe.text, blocks: toBlocks(safe.blocks) }),
    );
  }

  /** Posts a reply: the message, then the rest of a long output in its thread. */
  async postReply(channel: string, reply: Reply, options: RenderOptions & { threadTs?: string } = {}): Promise<PostedMessage> {
    const rendered = renderReply(reply, options);
    const posted = await this.post(channel, rendered.main, { threadTs: options.threadTs });
    await this.overflow(posted, options.threadTs ?? posted.ts, rendered.thread, rendered.files);
    return posted;
  }

  /** Replaces a message (a progress or confirmation message) with the final reply. */
  async updateReply(message: PostedMessage, reply: Reply, options: RenderOptions = {}): Promise<PostedMessage> {
    const rendered = renderReply(reply, options);
    await this.update(message, rendered.main);
    await this.overflow(message, message.ts, rendered.thread, rendered.files);
    return message;
  }

  /** A reply only the asker sees; files become extra messages, since ephemeral messages carry none. */
  async ephemeralReply(channel: string, user: string, reply: Reply, options: RenderOptions & { threadTs?: string } = {}): Promise<void> {
    const rendered = renderReply(reply, options);
    await this.ephemeral(channel, user, rendered.main, options);
    for (const part of rendered.thread) await this.ephemeral(channel, user, part, options);
    for (const file of rendered.files) {
      for (const text of codeSections(file.content))
        await this.ephemeral(channel, user, { text: file.title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }, options);
    }
  }

  /**
   * The thread parts and files of a reply. A refused upload (no files:write scope, a workspace
   * that forbids files) falls back to thread messages so the output still arrives whole.
   */
  private async overflow(posted: PostedMessage, threadTs: string, thread: readonly SlackMessage[], files: readonly ReplyFile[]): Promise<void> {
    for (const part of thread) await this.post(posted.channel, part, { threadTs });
    for (const file of files) {
      try {
        await this.upload(posted.channel, threadTs, file);
      } catch (error) {
        const ref = error instanceof SlackPostError ? error.reference : errorReference();
        const sections = codeSections(file.content);
        await this.post(
          posted.channel,
          {
            text: `${file.title} (upload failed, ref ${ref})`,
            blocks: [
              { type: 'context', elements: [{ type: 'mrkdwn', text: `_${file.filename} could not be uploaded (ref ${ref}); here it is as messages._` }] },
            ],
          },
          { threadTs },
        );
        for (let i = 0; i < sections.length; i += 5) {
          await this.post(
            posted.channel,
            { text: `${file.title} (${i / 5 + 1})`, blocks: sections.slice(i, i + 5).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })) },
            { threadTs },
          );
        }
      }
    }
  }
}
