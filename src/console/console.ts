import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
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

/**
 * The interactive prompt. On a terminal: a prompt with history (kept in ~/.stackmedic_history)
 * and y/N confirmations; otherwise one command per input line, for scripts.
 * Returns the exit code: 0 when every command succeeded.
 */
export async function runConsole(
  options: Omit<SessionOptions, 'io'> & { input: Readable; output: Writable; banner?: string; historyFile?: string },
): Promise<number> {
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
  rl.on('line', (line) => {
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
    return new Promise((resolve) => {
      pendingAnswer = resolve;
    });
  };
  if (options.banner) print(options.banner);
  let failures = 0;
  const prompt = (): void => {
    if (!interactive || closed) return;
    rl.setPrompt('stackmedic> ');
    rl.prompt();
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
  rl.close();
  return failures === 0 ? 0 : 1;
}
