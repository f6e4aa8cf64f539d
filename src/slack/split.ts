/**
 * Slack refuses messages that break Block Kit's limits (`invalid_blocks`, `msg_too_long`), and a
 * refused message is a command left without an answer. These helpers cut text so that every piece
 * fits, on line boundaries where possible, without ever dropping a character.
 */

/** Block Kit limits stackmedic respects (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  buttonValue: 2000,
  /** All the text of one message: blocks and fallback together. */
  messageText: 40_000,
  /** The fallback text: notifications and screen readers need a line, not the output. */
  fallbackText: 3000,
} as const;

/** Escapes the three characters Slack's mrkdwn treats as markup (also inside code blocks). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The text back from `escapeMrkdwn`, for places that are not mrkdwn (a file's content). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The marker that says how much of a text was cut off. */
export function moreCharacters(count: number): string {
  return `... (${count} more characters)`;
}

/**
 * User or node text put into a message: `&`, `<` and `>` escaped (so `<!channel>` or
 * `<http://x|y>` is shown, never acts), and cut after `max` characters with the count of the rest.
 */
export function echoText(text: string, max: number): string {
  if (text.length <= max) return escapeMrkdwn(text);
  const cut = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return `${escapeMrkdwn(text.slice(0, cut))}${moreCharacters(text.length - cut)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A triple backtick inside output would close our code block early; a zero-width space defuses it. */
function defuseFences(text: string): string {
  return text.replace(/```/g, '`\u200b`\u200b`');
}

/** Where a hard cut of `text` at `max` may fall: not inside an `&amp;` entity or a surrogate pair. */
function safeCut(text: string, max: number): number {
  let cut = max;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && amp > cut - 5) {
    const semi = text.indexOf(';', amp);
    if (semi !== -1 && semi >= cut && semi - amp <= 4) cut = amp;
  }
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return cut > 0 ? cut : max;
}

/**
 * Splits `text` into chunks of at most `max` characters, breaking between lines, and inside a
 * line only when the line alone is longer than `max`. Joining the chunks with "\n" (at line breaks)
 * or "" (inside a cut line) gives the text back.
 */
export function splitLines(text: string, max: number): string[] {
  if (max < 8) throw new RangeError('chunks must hold at least 8 characters');
  const chunks: string[] = [];
  let current: string | undefined;
  const push = (piece: string): void => {
    if (current === undefined) current = piece;
    else if (current.length + 1 + piece.length <= max) current = `${current}\n${piece}`;
    else {
      chunks.push(current);
      current = piece;
    }
  };
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      const cut = safeCut(rest, max);
      if (current !== undefined) chunks.push(current);
      current = undefined;
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    push(rest);
  }
  if (current !== undefined && (current !== '' || chunks.length === 0)) chunks.push(current);
  return chunks;
}

const FENCE_OVERHEAD = '```\n'.length + '\n```'.length;

/**
 * Plain command output as mrkdwn code blocks, each one a section text within the 3000-character
 * limit. Empty text gives no sections.
 */
export function codeSections(text: string, max: number = SLACK_LIMITS.sectionText): string[] {
  const body = text.replace(/\s+$/, '');
  if (body.trim() === '') return [];
  return splitLines(escapeMrkdwn(defuseFences(body)), max - FENCE_OVERHEAD).map((chunk) => `\`\`\`\n${chunk}\n\`\`\``);
}

/** mrkdwn text (already escaped by its author) as section texts within the limit. */
export function mrkdwnSections(text: string, max: number = SLACK_LIMITS.sectionText): string[] {
  if (text.trim() === '') return [];
  return splitLines(text, max);
}

/**
 * A header must be plain text of at most 150 characters. A longer verdict is not cut: the caller
 * gets `undefined` and shows it as a bold section instead.
 */
export function headerText(title: string): string | undefined {
  const oneLine = title.replace(/\s*\n\s*/g, ' ').trim();
  if (oneLine === '' || oneLine.length > SLACK_LIMITS.headerText) return undefined;
  return oneLine;
}

/** Groups items into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
