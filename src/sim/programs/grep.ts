/** grep, egrep, fgrep and zgrep over the virtual files, with GNU grep's flags, output and exit codes. */
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';
import { linesOf, openFile } from './files.js';
import { parseGrepArgs, type GrepOptions } from './grep-options.js';

/** Translates a POSIX basic regular expression to a JavaScript one. */
function breToJs(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i++;
      if ('|(){}?+'.includes(n)) out += n;
      else out += `\\${n}`;
    } else if ('|(){}?+'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function compile(o: GrepOptions): RegExp | string {
  try {
    // A pattern holding newlines is several patterns, as in GNU grep.
    const all = o.patterns.flatMap((p) => p.split('\n'));
    const src = all
      .map((p) => (o.mode === 'F' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : o.mode === 'E' ? p : breToJs(p)))
      .map((s) => `(?:${s})`)
      .join('|');
    const anchored = o.lineRegexp ? `^(?:${src})$` : o.wordRegexp ? `(?<![\\w])(?:${src})(?![\\w])` : src;
    return new RegExp(anchored, o.ignoreCase ? 'i' : '');
  } catch {
    return 'grep: Unmatched ( or \\(';
  }
}

interface Input {
  readonly name: string;
  readonly text: string;
  /** A compressed file read as is: grep finds nothing printable in it. */
  readonly binary: boolean;
}

/** Output state shared by every file of one grep run: GNU prints `--` between groups across files too. */
interface Printer {
  out: string;
  printedAny: boolean;
}

/**
 * Prints the selected lines of one input with their context, like GNU grep: `name` then `:` (or a
 * NUL with `-Z`), the line number and `:` for selected lines or `-` for context lines, and the
 * group separator before a group that does not continue the previous one. Returns how many lines
 * were selected.
 */
function grepText(o: GrepOptions, re: RegExp, input: Input, showName: boolean, p: Printer): number {
  const contextMode = o.after !== undefined || o.before !== undefined || o.context !== undefined;
  const after = o.onlyMatching ? 0 : (o.after ?? o.context ?? 0);
  const before = o.onlyMatching ? 0 : (o.before ?? o.context ?? 0);
  const printing = !o.count && !o.listFiles && !o.quiet;
  const lines = linesOf(input.text);
  let selected = 0;
  let lastPrinted = -1;
  let afterLeft = 0;
  const emit = (idx: number, sep: ':' | '-', text: string): void => {
    // Nothing printed from this file yet (lastPrinted -1) after another file's lines is a new group too.
    const newGroup = p.printedAny && (lastPrinted === -1 || idx > lastPrinted + 1);
    if (contextMode && newGroup && o.groupSeparator !== undefined) p.out += `${o.groupSeparator}\n`;
    const name = showName ? `${input.name}${o.nullAfterName ? '\0' : sep}` : '';
    p.out += `${name}${o.lineNumbers ? `${idx + 1}${sep}` : ''}${text}\n`;
    p.printedAny = true;
    lastPrinted = idx;
  };
  for (const [idx, line] of lines.entries()) {
    if (o.maxCount !== undefined && selected >= o.maxCount) {
      // After the last allowed match GNU grep still prints its trailing context, matches included.
      if (afterLeft === 0 || !printing) break;
      emit(idx, '-', line);
      afterLeft--;
      continue;
    }
    if (re.test(line) === o.invert) {
      if (afterLeft > 0 && printing) {
        emit(idx, '-', line);
        afterLeft--;
      }
      continue;
    }
    selected++;
    if (!printing) {
      if (o.quiet || o.listFiles) break;
      continue;
    }
    for (let b = Math.max(idx - before, lastPrinted + 1); b < idx; b++) emit(b, '-', lines[b] as string);
    if (o.onlyMatching) {
      // `-o -v` prints nothing: the selected lines are those without a match.
      const g = new RegExp(re.source, `${re.flags}g`);
      if (!o.invert) for (const m of line.matchAll(g)) if (m[0] !== '') emit(idx, ':', m[0]);
    } else emit(idx, ':', line);
    afterLeft = after;
  }
  return selected;
}

function grep(ctx: ProgramContext): ProgramResult {
  const decompress = ctx.name === 'zgrep';
  const o = parseGrepArgs(ctx.name, ctx.args);
  if (typeof o === 'string') return fail(o, 2);
  const re = compile(o);
  if (typeof re === 'string') return fail(re, 2);
  const names = o.files.length === 0 ? ['-'] : o.files;
  const showName = o.withName ?? names.length > 1;
  const printer: Printer = { out: '', printedAny: false };
  let err = '';
  let matched = false;
  let error = false;
  for (const file of names) {
    let input: Input;
    if (file === '-') input = { name: o.label, text: ctx.stdin, binary: false };
    else {
      const opened = openFile(ctx, file, decompress);
      if (!opened.ok) {
        error = true;
        if (!o.noMessages) err += `grep: ${file}: ${opened.why === 'missing' ? 'No such file or directory' : 'Is a directory'}\n`;
        continue;
      }
      input = { name: file, text: opened.text, binary: opened.entry.kind === 'log' && opened.entry.gzip && !decompress };
    }
    if (input.binary) continue;
    const count = grepText(o, re, input, showName, printer);
    if (count > 0) matched = true;
    if (o.quiet && matched) return result('', err, 0);
    const sep = o.nullAfterName ? '\0' : ':';
    if (o.listFiles && count > 0) printer.out += `${input.name}${o.nullAfterName ? '\0' : '\n'}`;
    else if (o.count && !o.listFiles) printer.out += `${showName ? `${input.name}${sep}` : ''}${count}\n`;
  }
  return result(o.quiet ? '' : printer.out, err, error ? 2 : matched ? 0 : 1);
}

/** The grep family. */
export const grepPrograms: Record<string, ProgramDef> = {
  grep: { run: grep },
  egrep: { run: grep },
  fgrep: { run: grep },
  zgrep: { run: grep },
};
