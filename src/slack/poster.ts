import type { Logger, RespondFn, types, webApi } from '@slack/bolt';
import { errorReference } from '../errors.js';
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
  constructor(
    message: string,
    /** The reference logged with the details; show it to the user. */
    readonly reference: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
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
  ) {}

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const ref = errorReference();
      this.logger.error(`[stackmedic] Slack call failed, ref ${ref}, while ${doing}: ${slackErrorCode(error)}`);
      throw new SlackPostError(`Slack refused the message while ${doing}: ${slackErrorCode(error)}`, ref, { cause: error });
    }
  }

  /** Posts one message. */
  async post(channel: string, message: SlackMessage, options: { threadTs?: string | undefined } = {}): Promise<PostedMessage> {
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
    return { channel: res.channel ?? channel, ts: res.ts ?? '' };
  }

  /** Replaces the content of a message. */
  async update(message: PostedMessage, content: SlackMessage): Promise<void> {
    const safe = redactDeep(content);
    await this.call(`updating message ${message.ts} in ${message.channel}`, () =>
      this.client.chat.update({ channel: message.channel, ts: message.ts, text: safe.text, blocks: toBlocks(safe.blocks) }),
    );
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

  /** Uploads a file into a thread (files.uploadV2). */
  async upload(channel: string, threadTs: string, file: ReplyFile): Promise<void> {
    await this.call(`uploading ${file.filename} to ${channel}`, () =>
      this.client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        filename: file.filename,
        title: redact(file.title),
        content: redact(file.content),
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
