import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { BackgroundWork, ConsoleOutput } from './incident-feed.js';
import { runLine, type SessionOptions } from './session.js';

const HISTORY_FILE = join(homedir(), '.stackmedic_history');
const HISTORY_SIZE = 500;

function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/** Options of `runConsole`. */
export type ConsoleOptions = Omit<SessionOptions, 'io'> & {
  input: Readable;
  output: Writable;
  /** Where background work logs (standard error); the output when absent. */
  errorOutput?: Writable;
  banner?: string;
  historyFile?: string;
  /** Work beside the prompt (the incident check), started after the banner. */
  background?: (out: ConsoleOutput) => BackgroundWork;
};

/**
 * The interactive prompt. On a terminal: a prompt with history (kept in ~/.stackmedic_history)
 * and y/N confirmations; otherwise one command per input line, for scripts.
 * Background work prints above the prompt on a terminal (the line being typed is cleared, the
 * message printed, the prompt and the typing redrawn). From a pipe, commands wait for the
 * background's first pass, so its messages come right after the banner and before any command's
 * output; later passes print whole messages between the lines of commands.
 * Returns the exit code: 0 when every command succeeded.
 */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const interactive = Boolean((options.input as Readable & { isTTY?: boolean }).isTTY);
  const rl = createInterface({
    input: options.input,
    output: interactive ? options.output : undefined,
    terminal: interactive,
    history: interactive ? loadHistory(options.historyFile ?? HISTORY_FILE) : [],
    historySize: HISTORY_SIZE,
  });
  const print = (text: string): void => {
    options.output.write(`${text}\n`);
  };
  // One reader for every line: an answer to a pending y/N question goes to the question,
  // everything else is queued as a command and handled one at a time.
  let pendingAnswer: ((line: string) => void) | undefined;
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  // Whether a prompt (or a y/N question) is on screen waiting for typing.
  let prompting = false;
  const aside = (stream: Writable, text: string): void => {
    if (!interactive || !prompting || closed) {
      stream.write(`${text}\n`);
      return;
    }
    clearLine(options.output, 0);
    cursorTo(options.output, 0);
    stream.write(`${text}\n`);
    // Redraws the prompt and what was typed so far, the cursor where it was.
    rl.prompt(true);
  };
  rl.on('line', (line) => {
    prompting = false;
    if (pendingAnswer) {
      const answer = pendingAnswer;
      pendingAnswer = undefined;
      answer(line);
    } else {
      queue.push(line);
      wake?.();
    }
  });
  rl.on('close', () => {
    closed = true;
    pendingAnswer?.('');
    wake?.();
  });
  const ask = (question: string): Promise<string> => {
    rl.setPrompt(question);
    rl.prompt();
    prompting = true;
    return new Promise((resolve) => {
      pendingAnswer = resolve;
    });
  };
  if (options.banner) print(options.banner);
  const background = options.background?.({
    print: (text) => aside(options.output, text),
    warn: (text) => aside(options.errorOutput ?? options.output, text),
  });
  if (background && !interactive) await background.ready;
  let failures = 0;
  const prompt = (): void => {
    if (!interactive || closed) return;
    rl.setPrompt('stackmedic> ');
    rl.prompt();
    prompting = true;
  };
  prompt();
  for (;;) {
    const line = queue.shift();
    if (line === undefined) {
      if (closed) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      continue;
    }
    const text = line.trim();
    if (text === 'exit' || text === 'quit') break;
    if (text !== '' && !text.startsWith('#')) {
      if (interactive) {
        try {
          appendFileSync(options.historyFile ?? HISTORY_FILE, `${text}\n`);
        } catch {
          // History is a convenience; a read-only home must not stop the console.
        }
      }
      const ok = await runLine(text, { ...options, io: interactive ? { print, ask } : { print } });
      if (!ok) failures += 1;
    }
    prompt();
  }
  prompting = false;
  await background?.stop();
  rl.close();
  return failures === 0 ? 0 : 1;
}
