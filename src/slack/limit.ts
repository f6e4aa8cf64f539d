/**
 * The one limiter every stackmedic message passes before it leaves: Slack refuses a message over
 * its limits (`invalid_blocks`, `msg_too_long`, `msg_blocks_too_long`), and a refused message is a
 * command left without an answer. What does not fit is cut with "... (N more characters)" and
 * handed back, so the caller can move it to the thread or a file.
 */
import type { SlackBlock } from '../router/types.js';
import { moreCharacters, SLACK_LIMITS } from './split.js';

/** A message as Slack takes it: fallback text (notifications) and blocks. */
export interface LimitedMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** A message made to fit, and what was cut from it. */
export interface FittedMessage<M extends LimitedMessage = LimitedMessage> {
  readonly message: M;
  /** The text cut off (mrkdwn, as it was in the blocks), to post elsewhere; empty when all fit. */
  readonly rest: string;
  /** How many characters were cut (0 when the message fit as it was). */
  readonly cut: number;
}

/** Room kept for the marker block that says how much was cut. */
const MARKER_ROOM = 64;

type TextObject = { type?: string; text?: unknown };

function textOf(value: unknown): string | undefined {
  const t = (value as TextObject | undefined)?.text;
  return typeof t === 'string' ? t : undefined;
}

/** Characters of text a block carries (its text object, fields, elements and their texts). */
export function blockChars(block: SlackBlock): number {
  let n = 0;
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (key === 'text') n += v.length;
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, key);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child, k);
    }
  };
  walk(block, '');
  return n;
}

/**
 * Where `text` may be cut at or before `max`: not inside an `&amp;`-style entity, a `<@U…>` or
 * `<http…|…>` token, or a surrogate pair.
 */
function cutPoint(text: string, max: number): number {
  let cut = Math.max(0, Math.min(max, text.length));
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && amp > cut - 6 && !text.slice(amp, cut).includes(';')) cut = amp;
  const open = text.lastIndexOf('<', cut - 1);
  if (open !== -1 && open > cut - 200 && text.indexOf('>', open) >= cut) cut = open;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/**
 * Cuts `text` to at most `max` characters, the marker included; a code block left open by the
 * cut is closed. Returns the text and what was cut.
 */
export function truncateText(text: string, max: number): { text: string; rest: string } {
  if (text.length <= max) return { text, rest: '' };
  // The marker's length depends on the count; reserve for the widest count possible.
  const marker = (n: number): string => moreCharacters(n);
  const room = Math.max(0, max - marker(text.length).length - '\n```\n'.length);
  const cut = cutPoint(text, room);
  const kept = text.slice(0, cut);
  const fenceOpen = (kept.match(/```/g) ?? []).length % 2 === 1;
  return { text: `${kept}${fenceOpen ? '\n```\n' : ''}${marker(text.length - cut)}`, rest: text.slice(cut) };
}

interface BlockFit {
  readonly block: SlackBlock;
  readonly rest: string;
}

function withText(obj: unknown, text: string): unknown {
  return { ...(obj as object), text };
}

/** One block within its own limits (section 3000, fields 10 x 2000, header 150, context 10 x 3000). */
function fitBlock(block: SlackBlock): BlockFit {
  const rests: string[] = [];
  const fit = (value: unknown, max: number): unknown => {
    const text = textOf(value);
    if (text === undefined || text.length <= max) return value;
    const t = truncateText(text, max);
    rests.push(t.rest);
    return withText(value, t.text);
  };
  const b = block as SlackBlock & { text?: unknown; fields?: unknown[]; elements?: unknown[] };
  let out: SlackBlock = block;
  if (b.type === 'header') out = { ...b, text: fit(b.text, SLACK_LIMITS.headerText) };
  if (b.type === 'section') {
    const fields = Array.isArray(b.fields) ? b.fields.slice(0, SLACK_LIMITS.sectionFields) : undefined;
    for (const dropped of Array.isArray(b.fields) ? b.fields.slice(SLACK_LIMITS.sectionFields) : []) rests.push(textOf(dropped) ?? '');
    out = {
      ...b,
      ...(b.text !== undefined ? { text: fit(b.text, SLACK_LIMITS.sectionText) } : {}),
      ...(fields ? { fields: fields.map((f) => fit(f, SLACK_LIMITS.fieldText)) } : {}),
    };
  }
  if (b.type === 'context' && Array.isArray(b.elements)) {
    for (const dropped of b.elements.slice(SLACK_LIMITS.contextElements)) rests.push(textOf(dropped) ?? '');
    out = { ...b, elements: b.elements.slice(0, SLACK_LIMITS.contextElements).map((e) => fit(e, SLACK_LIMITS.contextText)) };
  }
  return { block: out, rest: rests.filter((r) => r !== '').join('\n') };
}

/** All the text of a block, for the rest that moves elsewhere. */
function allText(block: SlackBlock): string {
  const parts: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (key === 'text') parts.push(v);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, key);
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child, k);
    }
  };
  walk(block, '');
  return parts.join('\n');
}

/**
 * Makes a message fit Slack: at most 50 blocks, 3,000 characters per section (and the other
 * per-block limits), 40,000 characters in all, a fallback text of at most 3,000. Buttons
 * (`actions` blocks) are always kept: a confirmation must keep its Confirm and Cancel. What is
 * cut is marked in place ("... (N more characters)") and returned as `rest`; `note` is added to
 * the marker to say where the rest went.
 */
export function fitMessage<M extends LimitedMessage>(message: M, note?: string): FittedMessage<M> {
  const fallback = truncateText(message.text, SLACK_LIMITS.fallbackText);
  const fitted = message.blocks.map(fitBlock);
  const isKept = (b: SlackBlock): boolean => b.type === 'actions';
  const sizes = fitted.map((f) => blockChars(f.block));
  const total = sizes.reduce((a, b) => a + b, 0);
  const cutOf = (rests: readonly string[]): number => rests.reduce((n, r) => n + r.length, 0) + fallback.rest.length;
  if (fitted.length <= SLACK_LIMITS.blocksPerMessage && total + fallback.text.length <= SLACK_LIMITS.messageText) {
    const rests = fitted.map((f) => f.rest).filter((r) => r !== '');
    return { message: { ...message, text: fallback.text, blocks: fitted.map((f) => f.block) }, rest: rests.join('\n'), cut: cutOf(rests) };
  }

  // Keep blocks in order while they fit, leaving room for the buttons and the marker.
  const keptIdx = fitted.flatMap((f, i) => (isKept(f.block) ? [i] : []));
  let charsLeft = SLACK_LIMITS.messageText - fallback.text.length - keptIdx.reduce((n, i) => n + (sizes[i] ?? 0), 0) - MARKER_ROOM - (note?.length ?? 0);
  let slotsLeft = SLACK_LIMITS.blocksPerMessage - keptIdx.length - 1;
  let full = false;
  const head: SlackBlock[] = [];
  const tail: SlackBlock[] = [];
  const rests: string[] = [];
  let dropped = 0;
  fitted.forEach(({ block, rest }, i) => {
    const size = sizes[i] ?? 0;
    if (isKept(block)) {
      (full ? tail : head).push(block);
      return;
    }
    if (!full && slotsLeft > 0 && size <= charsLeft) {
      head.push(block);
      if (rest) rests.push(rest);
      slotsLeft -= 1;
      charsLeft -= size;
      return;
    }
    const text = textOf(block.text);
    if (!full && slotsLeft > 0 && block.type === 'section' && text !== undefined && charsLeft > 200) {
      // Part of this section still fits: keep that much, so the cut falls at the limit.
      const original = textOf((message.blocks[i] as SlackBlock).text) ?? text;
      const t = truncateText(original, Math.min(charsLeft, SLACK_LIMITS.sectionText));
      head.push({ ...block, text: withText(block.text, t.text) });
      rests.push(t.rest);
      dropped += t.rest.length;
    } else {
      const whole = allText(message.blocks[i] as SlackBlock);
      rests.push(whole);
      dropped += whole.length;
    }
    full = true;
  });
  const marker = `_${moreCharacters(dropped)}${note ? ` ${note}` : ''}_`;
  const blocks = [...head, { type: 'context', elements: [{ type: 'mrkdwn', text: marker }] }, ...tail];
  return { message: { ...message, text: fallback.text, blocks }, rest: rests.join('\n'), cut: cutOf(rests) };
}

/**
 * Groups blocks into messages that each fit (at most `maxBlocks` blocks and `maxChars` characters),
 * in order, nothing dropped: how long output is spread over a thread.
 */
export function packBlocks(
  blocks: readonly SlackBlock[],
  maxBlocks: number = SLACK_LIMITS.blocksPerMessage,
  maxChars = SLACK_LIMITS.messageText - 3000,
): SlackBlock[][] {
  const out: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = blockChars(block);
    if (current.length > 0 && (current.length >= maxBlocks || chars + size > maxChars)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
