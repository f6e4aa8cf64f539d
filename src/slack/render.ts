import { redactDeep } from '../redact.js';
import type { ActionPlan, Reply, ReplyFile, SlackBlock } from '../router/types.js';
import { blockChars, fitMessage, packBlocks } from './limit.js';
import { chunk, codeSections, escapeMrkdwn, headerText, mrkdwnSections, SLACK_LIMITS, unescapeMrkdwn } from './split.js';

/** One Slack message: the notification text and its Block Kit blocks. */
export interface SlackMessage {
  /** Fallback text (notifications, screen readers); Slack shows the blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** A reply laid out for Slack: the message itself, thread replies for the rest, files to attach. */
export interface RenderedReply {
  readonly main: SlackMessage;
  readonly thread: readonly SlackMessage[];
  readonly files: readonly ReplyFile[];
}

/** How much goes where; the defaults keep channel messages short, as operators asked. */
export interface RenderOptions {
  /** A context line under the reply (who ran what, audit id), as mrkdwn. */
  readonly footer?: string | undefined;
  /** Text sections shown in the message itself before the rest moves to the thread. */
  readonly inlineSections?: number;
  /** Beyond this many text sections the whole output becomes a file instead of thread replies. */
  readonly threadSections?: number;
  /** Text sections per thread reply. */
  readonly sectionsPerThreadMessage?: number;
}

const DEFAULTS = { inlineSections: 4, threadSections: 20, sectionsPerThreadMessage: 5 } as const;

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** The verdict: a header when it fits in one, else bold sections (never cut). */
export function titleBlocks(title: string): SlackBlock[] {
  // Titles carry node and user text: escaped in the header too, where Slack decodes the entities.
  const header = headerText(escapeMrkdwn(title));
  if (header !== undefined) return [{ type: 'header', text: { type: 'plain_text', text: header, emoji: true } }];
  return mrkdwnSections(`*${escapeMrkdwn(title.trim())}*`).map(section);
}

/** The fallback text of a message (notifications, screen readers) from a plain-text title. */
export function fallbackText(title: string): string {
  return escapeMrkdwn(title.trim().replace(/\s*\n\s*/g, ' ')) || 'stackmedic';
}

/** A context line, split into several context blocks if someone made it enormous. */
export function contextBlocks(mrkdwn: string): SlackBlock[] {
  return mrkdwnSections(mrkdwn, SLACK_LIMITS.contextText).map(context);
}

/**
 * Makes author-provided blocks legal: section texts over 3000 characters become several sections,
 * headers over 150 characters become bold sections. Nothing is dropped.
 */
export function enforceBlockLimits(blocks: readonly SlackBlock[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  for (const block of blocks) {
    const text = (block as { text?: { type?: string; text?: unknown } }).text;
    if (block.type === 'header' && text && typeof text.text === 'string' && headerText(text.text) === undefined) {
      out.push(...titleBlocks(text.text));
    } else if (block.type === 'section' && text && typeof text.text === 'string' && text.text.length > SLACK_LIMITS.sectionText) {
      const { fields, accessory, ...rest } = block as SlackBlock & { fields?: unknown; accessory?: unknown };
      const parts = text.type === 'plain_text' ? mrkdwnSections(text.text) : splitMrkdwnKeepingFences(text.text);
      parts.forEach((part, i) => {
        out.push({
          ...rest,
          ...(i === 0 && accessory ? { accessory } : {}),
          ...(i === 0 && fields ? { fields } : {}),
          type: 'section',
          text: { ...text, text: part },
        });
      });
    } else {
      out.push(block);
    }
  }
  return out;
}

/** Splits mrkdwn at line breaks, closing and reopening a code fence that spans a cut. */
function splitMrkdwnKeepingFences(text: string): string[] {
  const parts = mrkdwnSections(text, SLACK_LIMITS.sectionText - 8);
  let open = false;
  return parts.map((part) => {
    const fences = (part.match(/```/g) ?? []).length;
    const startsOpen = open;
    if (fences % 2 === 1) open = !open;
    return `${startsOpen ? '```\n' : ''}${part}${open ? '\n```' : ''}`;
  });
}

/**
 * A reply as Slack messages. Uses `reply.blocks` when the command made them, else a header from the
 * title and code blocks from the text. Long output goes to thread replies, very long output to a
 * file; the channel message says where the rest is.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): RenderedReply {
  // Redacted whole, before anything splits or cuts it: a private key split over two messages
  // would leave base64 lines no rule could tell from any other text.
  const safe = redactDeep(reply);
  return limitRendered(layOut(safe, options), safe.title);
}

/** The file that takes what the limiter cut from a reply's messages. */
export const REST_FILENAME = 'rest.txt';

/**
 * Every message of a reply through the limiter; what it cuts (a verdict of megabytes, blocks
 * past Slack's limits) is attached as a file in the thread, so nothing is lost.
 */
function limitRendered(r: RenderedReply, title: string): RenderedReply {
  const note = `— the rest is attached in the thread as ${REST_FILENAME}`;
  const main = fitMessage(r.main, note);
  const thread = r.thread.map((m) => fitMessage(m, note));
  const rest = [main, ...thread].map((f) => f.rest).filter((t) => t !== '');
  const files =
    rest.length > 0
      ? [...r.files, { filename: REST_FILENAME, title: `${title.trim().slice(0, 150) || 'stackmedic'} (the rest)`, content: unescapeMrkdwn(rest.join('\n')) }]
      : r.files;
  return { main: main.message, thread: thread.map((f) => f.message), files };
}

function layOut(reply: Reply, options: RenderOptions): RenderedReply {
  const inline = options.inlineSections ?? DEFAULTS.inlineSections;
  const threadMax = options.threadSections ?? DEFAULTS.threadSections;
  const perThread = options.sectionsPerThreadMessage ?? DEFAULTS.sectionsPerThreadMessage;
  const head = titleBlocks(reply.title);
  const foot = options.footer ? contextBlocks(options.footer) : [];
  const files = [...(reply.files ?? [])];
  const fallback = fallbackText(reply.title);

  if (reply.blocks && reply.blocks.length > 0) {
    // The command's own blocks carry its verdict (usually as their header): no second header.
    const body = enforceBlockLimits(reply.blocks);
    const footChars = foot.reduce((n, b) => n + blockChars(b), 0);
    const charRoom = SLACK_LIMITS.messageText - SLACK_LIMITS.fallbackText - footChars - 200;
    const whole = packBlocks(body, SLACK_LIMITS.blocksPerMessage - foot.length, charRoom);
    if (whole.length <= 1) return { main: { text: fallback, blocks: [...body, ...foot] }, thread: [], files };
    // Room for the "continued" line: the first message holds one block less.
    const first = packBlocks(body, SLACK_LIMITS.blocksPerMessage - foot.length - 1, charRoom)[0] ?? [];
    const rest = packBlocks(body.slice(first.length));
    return {
      main: {
        text: fallback,
        blocks: [...first, ...contextBlocks(`_continued in the thread (${rest.length} more ${rest.length === 1 ? 'message' : 'messages'})_`), ...foot],
      },
      thread: rest.map((blocks, i) => ({ text: `${fallback} (part ${i + 2}/${rest.length + 1})`, blocks })),
      files,
    };
  }

  const sections = codeSections(reply.text);
  if (sections.length <= inline) {
    return { main: { text: fallback, blocks: [...head, ...sections.map(section), ...foot] }, thread: [], files };
  }
  const lineCount = reply.text.split('\n').length;
  if (sections.length > threadMax) {
    const filename = 'output.txt';
    return {
      main: {
        text: fallback,
        blocks: [
          ...head,
          section(sections[0] ?? ''),
          ...contextBlocks(`_${lineCount} lines in all: the full output is attached in the thread as ${filename}_`),
          ...foot,
        ],
      },
      thread: [],
      files: [{ filename, title: reply.title.trim().slice(0, 200) || 'stackmedic output', content: reply.text }, ...files],
    };
  }
  const rest = chunk(sections.slice(1), perThread);
  return {
    main: { text: fallback, blocks: [...head, section(sections[0] ?? ''), ...contextBlocks(`_${lineCount} lines in all: continued in the thread_`), ...foot] },
    thread: rest.map((group, i) => ({ text: `${fallback} (part ${i + 2}/${rest.length + 1})`, blocks: group.map(section) })),
    files,
  };
}

/** A short message for a step in progress ("step 2/5: restarting libvirtd..."); `intro` is mrkdwn. */
export function renderProgress(intro: string, step: string | undefined, footer?: string): SlackMessage {
  // Steps come from runbooks and may quote what a node said: escaped, in the blocks and the fallback.
  const text = step ? `${intro}\n${escapeMrkdwn(step)}` : intro;
  return fitMessage({
    text: step ? `${intro}: ${escapeMrkdwn(step)}` : intro,
    blocks: [...mrkdwnSections(`:hourglass_flowing_sand: ${text}`).map(section), ...(footer ? contextBlocks(footer) : [])],
  }).message;
}

/** The exact actions of a plan, as code-block sections: node, description, command. */
export function planSections(plan: ActionPlan): string[] {
  const lines = plan.actions.map((a, i) => `${i + 1}. [${a.node}] ${a.description}\n   $ ${a.command}`);
  return [...mrkdwnSections(escapeMrkdwn(plan.summary)), ...codeSections(lines.join('\n'))];
}
