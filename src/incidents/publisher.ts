import type { Reply } from '../router/types.js';

/** Where a published message is, to update it or reply in its thread. */
export interface PublishedMessage {
  readonly channel: string;
  readonly ts: string;
}

/**
 * What incidents need from a chat to keep an incident thread: post a reply (in a channel, or in
 * the thread of a message) and replace a message's content. Slack's poster implements it; so can
 * the console, or a test.
 */
export interface IncidentPublisher {
  /** Posts `reply` in `channel` (or in the thread of `threadTs`); returns the new message. */
  postReply(channel: string, reply: Reply, options?: { threadTs?: string }): Promise<PublishedMessage>;
  /** Replaces a message's content with `reply`. */
  updateReply(message: PublishedMessage, reply: Reply): Promise<PublishedMessage>;
}
