import type { IncidentPublisher, PublishedMessage } from '../incidents/publisher.js';
import { redact, redactDeep } from '../redact.js';
import type { Reply } from '../router/types.js';

/** The channel name the console's incident messages are kept under in the store. */
export const CONSOLE_CHANNEL = 'console';

/** Thread replies longer than this many lines are cut in the terminal (`/incident show` has it all). */
const THREAD_LINES = 12;
/** Lines of an updated message shown: the lines that changed, at most this many. */
const UPDATE_LINES = 12;

/** Slack escapes these in mrkdwn; a terminal shows them as they are. */
function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function gutter(lines: readonly string[]): string {
  return lines.map((l) => `  │ ${l}`.trimEnd()).join('\n');
}

function cut(lines: readonly string[], max: number): string[] {
  return lines.length <= max ? [...lines] : [...lines.slice(0, max), `… ${lines.length - max} more lines`];
}

/**
 * The incident channel in a terminal: the scheduler's incident thread, printed as Slack would show
 * it. A new message prints whole, a thread reply prints under its incident's name (cut after a
 * dozen lines), and a message updated in place prints only the lines that changed. With `json`,
 * each message is one JSON document, like the console's replies.
 */
export class ConsoleIncidentChannel implements IncidentPublisher {
  private next = 0;
  /** What each message showed last, to print an update as what changed. */
  private readonly shown = new Map<string, { readonly title: string; readonly lines: readonly string[] }>();

  constructor(
    private readonly print: (text: string) => void,
    private readonly json = false,
  ) {}

  /** Prints a new message, or a reply in a message's thread. */
  async postReply(channel: string, reply: Reply, options: { threadTs?: string } = {}): Promise<PublishedMessage> {
    const ts = `${++this.next}`;
    const lines = this.linesOf(reply);
    const parent = options.threadTs ? this.shown.get(options.threadTs) : undefined;
    if (this.json) {
      this.emit({ event: options.threadTs ? 'thread-reply' : 'message', ts, ...(options.threadTs ? { threadTs: options.threadTs } : {}), reply });
    } else if (options.threadTs) {
      this.print(
        `${redact(`[incident channel] ↳ in the thread of ${parent ? shortTitle(parent.title) : 'an incident'}: ${reply.title}`)}\n${gutter(cut(lines, THREAD_LINES))}`,
      );
    } else {
      this.print(`${redact(`[incident channel] ${reply.title}`)}\n${gutter(lines)}`);
    }
    if (!options.threadTs) this.shown.set(ts, { title: reply.title, lines });
    return { channel, ts };
  }

  /** Prints what changed in a message updated in place. */
  async updateReply(message: PublishedMessage, reply: Reply): Promise<PublishedMessage> {
    const lines = this.linesOf(reply);
    const before = this.shown.get(message.ts);
    this.shown.set(message.ts, { title: reply.title, lines });
    if (this.json) {
      this.emit({ event: 'update', ts: message.ts, reply });
      return message;
    }
    // A message posted before this console started (a store kept across runs) prints whole.
    const old = new Set(before?.lines ?? []);
    const changed = before ? lines.filter((l) => l.trim() !== '' && !old.has(l)) : lines;
    this.print(`${redact(`[incident channel] ✎ updated: ${reply.title}`)}\n${gutter(cut(changed, before ? UPDATE_LINES : Number.MAX_SAFE_INTEGER))}`);
    return message;
  }

  private linesOf(reply: Reply): string[] {
    return redact(unescapeMrkdwn(reply.text)).split('\n');
  }

  private emit(message: { event: string; ts: string; threadTs?: string; reply: Reply }): void {
    const { ok, title, text } = message.reply;
    const incidentMessage = {
      event: message.event,
      ts: message.ts,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      ok,
      title,
      text: unescapeMrkdwn(text),
    };
    this.print(JSON.stringify(redactDeep({ incidentChannel: incidentMessage }), null, 2));
  }
}

/** "Incident #1 (critical)" of "Incident #1 (critical): Root disk full ...". */
function shortTitle(title: string): string {
  return title.split(': ')[0] ?? title;
}
