import { stringify } from 'yaml';
import { REDACTED } from '../redact.js';
import { unrotatedPath } from './globs.js';
import { LOG_GLOB_CHARSET, SIGNATURE_ID } from './schema.js';
import { WILDCARD } from './template-miner.js';
import type { UnrecognisedGroup } from './unrecognised.js';

/**
 * Drafting a signature from a group of unrecognised error records (`stackmedic signatures
 * propose`): the group's template becomes a regular expression (its constant tokens escaped, its
 * variable parts bounded wildcards), the files it was seen in become log globs, and its text a
 * title. Pure: the CLI finds the group and the files, and checks the draft against the logs.
 */

/** A signature drafted from a group, in the shape of a catalog file's entry. */
export interface DraftSignature {
  readonly id: string;
  readonly title: string;
  readonly severity: 'major' | 'minor';
  readonly source: { readonly logs: { readonly roles: readonly string[]; readonly paths: readonly string[] } };
  readonly patterns: readonly string[];
  readonly literals: readonly string[];
  readonly remediation: string;
}

/** The parts of a group's template a pattern can be made of. */
export interface TemplateParts {
  /** The record's first line, as mined. */
  readonly head: readonly string[];
  /** The exception that closed its traceback (after ` | `), or empty. */
  readonly exception: readonly string[];
}

/** Where a group was seen: the node and the file (path on the node) of its records. */
export interface SeenIn {
  readonly node: string;
  readonly file: string;
}

/** What `draftSignature` needs beside the group. */
export interface DraftOptions {
  /** The group's number in `diagnose`'s list (1 = largest). */
  readonly number: number;
  /** Which of the template's parts the patterns are made of. */
  readonly parts: readonly (keyof TemplateParts)[];
  /** Files holding the group's records (at least the example). */
  readonly seenIn: readonly SeenIn[];
  /** Roles of the nodes it was seen on, or an empty list when the logs did not tell. */
  readonly roles: readonly string[];
  /** The id to give; otherwise one is made from the title. */
  readonly id?: string | undefined;
  /** Ids already in the catalog: a derived id avoids them. */
  readonly takenIds: ReadonlySet<string>;
  /** How the prefilter literal is made (default `run`). */
  readonly literal?: LiteralMode;
}

/** Roles a drafted signature applies to when the logs betray none: every node that runs OpenStack services. */
const DEFAULT_ROLES = ['controller', 'compute', 'network'];
/** Longest stretch of text one variable part of a message may stand for. */
const WILDCARD_CHARS = 200;
const LEVEL = /^(?:ERROR|CRITICAL|FATAL|error|crit|critical|fatal|emerg|alert|\[error\]|\[critical\]|level=error|E\d{4})$/;

/**
 * The template with the names of the nodes it was seen on (and host names made of them,
 * `compute4.mylab.home`) as variable parts: the same error on another node is the same signature.
 */
export function withoutNodeNames(parts: TemplateParts, nodes: readonly string[]): TemplateParts {
  const names = nodes.filter((n) => n.length >= 3).map((n) => new RegExp(`[A-Za-z0-9_.-]*${escapeRegex(n)}[A-Za-z0-9_.-]*`, 'g'));
  const mask = (tokens: readonly string[]): string[] => tokens.map((t) => names.reduce((acc, re) => acc.replace(re, WILDCARD), t));
  return { head: mask(parts.head), exception: mask(parts.exception) };
}

/** Splits a template into its first line and the exception its traceback ended with. */
export function templateParts(template: string): TemplateParts {
  const tokens = template.split(' ').filter(Boolean);
  const bar = tokens.indexOf('|');
  return bar < 0 ? { head: tokens, exception: [] } : { head: tokens.slice(0, bar), exception: tokens.slice(bar + 1) };
}

/** A token whose text was hidden (a secret) stands for anything, as a variable part does. */
function normalise(token: string): string {
  return token.includes(REDACTED) ? WILDCARD : token;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Tokens without the leading and trailing variable ones (they anchor nothing). */
function trimWildcards(tokens: readonly string[]): string[] {
  const out = tokens.map(normalise);
  while (out[0] === WILDCARD) out.shift();
  while (out.at(-1) === WILDCARD) out.pop();
  return out;
}

/**
 * The regular expression of a run of template tokens: constant text escaped, whitespace between
 * tokens as `\s+`, each variable part (or run of them) as a bounded lazy wildcard. A wildcard may
 * span a space because a masked timestamp (`2016-09-28 04:30:30`) was two tokens in the log.
 * Returns `null` when the tokens hold no constant text.
 */
export function patternOf(tokens: readonly string[]): string | null {
  const kept = trimWildcards(tokens);
  if (kept.length === 0) return null;
  const parts: string[] = [];
  // An Erlang report was mined as "ERROR REPORT <body>"; in the log it is a header line
  // (`=ERROR REPORT==== 14-Feb-2017::05:49:58 ===`) with the body below it.
  if (kept.length > 2 && kept[1] === 'REPORT' && /^[A-Z]+$/.test(kept[0] as string)) {
    const body = patternOf(kept.slice(2));
    return body === null ? null : `${kept[0] as string} REPORT====[^\\n]{0,80}\\s+${body}`;
  }
  let run = 0;
  const flush = (): void => {
    if (run > 0) parts.push(`.{1,${WILDCARD_CHARS * run}}?`);
    run = 0;
  };
  for (const token of kept) {
    if (token === WILDCARD) {
      run++;
      continue;
    }
    flush();
    parts.push(token.split(WILDCARD).map(escapeRegex).join(`.{1,${WILDCARD_CHARS}}?`));
  }
  flush();
  return parts.join('\\s+');
}

/**
 * How a literal is made: a run of tokens assumes one space between them in the log (oslo.log
 * writes so); a single token assumes nothing (aligned `key        = value` option dumps).
 */
export type LiteralMode = 'run' | 'token';

/** Longest literal worth giving the prefilter: longer ones add little and cost search time. */
const LITERAL_CHARS = 48;

/**
 * The literal the prefilter looks for: the longest run of constant text (whole tokens, one space
 * apart, or a piece of a token beside a variable part), preferring the message to the level and
 * logger in front of it (they are on every line of the service). `null` when none has 3 characters.
 */
export function literalOf(tokens: readonly string[], mode: LiteralMode = 'run'): string | null {
  const kept = trimWildcards(tokens);
  const skip = kept.length > 0 && LEVEL.test(kept[0] as string) ? 2 : 0;
  const pick = (from: number): string | null => {
    const runs: string[] = [];
    let run: string[] = [];
    const end = (): void => {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
    };
    for (const token of kept.slice(from)) {
      if (!token.includes(WILDCARD)) {
        run.push(token);
        if (mode === 'token') end();
        continue;
      }
      const pieces = token.split(WILDCARD);
      run.push(pieces[0] as string);
      end();
      runs.push(...pieces.slice(1, -1));
      run = [pieces.at(-1) as string];
    }
    end();
    // Request context (`[-]`, `- - -]`) opens many runs and tells nothing.
    const best = runs
      .map((r) => cut(r.trim().replace(/^(?:[[\]-]+ )+/, '')))
      .reduce<string | null>((a, b) => (b.length >= 3 && (a === null || b.length > a.length) ? b : a), null);
    return best;
  };
  return pick(skip) ?? pick(0);
}

/** A literal cut at a word boundary to `LITERAL_CHARS`. */
function cut(literal: string): string {
  if (literal.length <= LITERAL_CHARS) return literal;
  const space = literal.lastIndexOf(' ', LITERAL_CHARS);
  return space >= 3 ? literal.slice(0, space) : literal.slice(0, LITERAL_CHARS);
}

/** The first line's opening words: after the level, the logger and request context, up to the first variable part or the end of a clause. */
function headWords(head: readonly string[]): { logger: string | null; text: string } {
  let i = 0;
  if (head[i] !== undefined && LEVEL.test(head[i] as string)) i++;
  if (head[i] === 'REPORT') i++;
  let logger: string | null = null;
  // A dotted name is a logger; so is one word before a bracketed context (`CRITICAL nova [req-...]`).
  const named =
    head[i] !== undefined &&
    (/^[A-Za-z_]\w*(?:\.\w+)+:?$/.test(head[i] as string) || (/^[a-z_]\w*$/.test(head[i] as string) && head[i + 1]?.startsWith('[') === true));
  if (named) logger = (head[i++] as string).replace(/:$/, '');
  // Request context (`[req-<*> - - - - -]`, `[-]`) and leading variable parts come before the message.
  while (i < head.length) {
    const token = head[i] as string;
    if (token.startsWith('[') && !token.endsWith(']')) {
      // A bracketed context of several tokens (`[instance: <*>]`, `[req-<*> - - - - -]`).
      while (i < head.length && !(head[i] as string).endsWith(']')) i++;
      i++;
    } else if (token.includes(WILDCARD) || /^[-[\]]+$/.test(token) || /^\[.*\]$/.test(token)) i++;
    else break;
  }
  const words: string[] = [];
  for (const token of head.slice(i)) {
    if (token.includes(WILDCARD)) break;
    if ([...words, token].join(' ').length > 90) break;
    words.push(token);
    if (words.length >= 3 && /[:;]$/.test(token)) break;
  }
  return { logger, text: words.join(' ').replace(/[:,;]+$/, '') };
}

/**
 * A title from the first line's words (the logger first); `detail` (the exception text the
 * pattern is made of) is added when the first line alone does not tell this error from others.
 */
export function titleOf(parts: TemplateParts, detail?: string): string {
  const { logger, text } = headWords(parts.head.map(normalise));
  const exception = parts.exception.find((t) => /^[\w.]+(?:Error|Exception|Failure|Timeout)\w*:?$/.test(t))?.replace(/:$/, '');
  const body = text || (exception ?? 'unrecognised error');
  const tail =
    detail !== undefined && !body.includes(detail) ? ` (${detail})` : exception && !body.includes(exception) ? ` (${exception.split('.').at(-1)})` : '';
  const title = `${logger ? `${logger}: ` : ''}${body}${tail}`;
  return title.length > 120 ? title.slice(0, 119) : title;
}

/** A kebab-case id from the words of a text (the pattern's literal), made unique against `taken`. */
export function idOf(text: string, taken: ReadonlySet<string>): string {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const kept = ['local'];
  for (const word of words.slice(0, 6)) {
    if ([...kept, word].join('-').length > 50) break;
    kept.push(word);
  }
  const base = kept.join('-');
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * The log glob of a file a group was seen in: the live name of a rotated copy, the node's own
 * name (`rabbit@node-10.log`) as `*`, and any character a glob may not hold as `?`.
 */
export function globOf(seen: SeenIn): string {
  let glob = unrotatedPath(seen.file);
  if (seen.node.length >= 3) glob = glob.split(seen.node).join('*');
  glob = glob.replace(/[^A-Za-z0-9_@.*?/+-]/g, '?');
  return LOG_GLOB_CHARSET.test(glob) ? glob : '/var/log/*';
}

function listNodes(nodes: readonly string[]): string {
  if (nodes.length <= 1) return nodes.join('');
  const shown = nodes.length > 6 ? [...nodes.slice(0, 5), `${nodes.length - 5} more`] : nodes;
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) as string}`;
}

/** Drafts the signature of one group; throws an `Error` with the reason when the group has no constant text. */
export function draftSignature(group: UnrecognisedGroup, options: DraftOptions): DraftSignature {
  const parts = withoutNodeNames(templateParts(group.template), group.nodes);
  const patterns: string[] = [];
  const literals: string[] = [];
  for (const part of options.parts) {
    const pattern = patternOf(parts[part]);
    const literal = literalOf(parts[part], options.literal);
    if (pattern === null || literal === null) continue;
    patterns.push(pattern);
    literals.push(literal);
  }
  if (patterns.length === 0) throw new Error(`its template has no constant text of 3 characters or more to match on: ${group.template}`);
  // A pattern made of the exception alone is what tells this group from others with its first line.
  const title = titleOf(parts, options.parts.includes('head') ? undefined : literals[0]);
  const detail = options.parts.includes('head') ? undefined : literals[0];
  const id = options.id ?? idOf(detail ?? (headWords(parts.head).text || (literals[0] as string)), options.takenIds);
  if (!SIGNATURE_ID.test(id)) throw new Error(`"${id}" is not a kebab-case id (lowercase letters, digits and single dashes)`);
  const paths = [...new Set([...options.seenIn, { node: group.example.node, file: group.example.file }].map(globOf))].sort();
  const when =
    group.first === null ? '' : group.last !== null && group.last !== group.first ? ` between ${group.first} and ${group.last}` : ` at ${group.first}`;
  const remediation =
    `Drafted by stackmedic signatures propose from unrecognised group ${options.number}: ${group.count} error record${group.count === 1 ? '' : 's'} ` +
    `on ${group.nodes.length === 1 ? 'node' : 'nodes'} ${listNodes(group.nodes)}${when}, first seen at ${group.example.node}:${group.example.file}:${group.example.line}. ` +
    'No cause or fix is known to stackmedic yet; the records around that line tell what failed.';
  return {
    id,
    title,
    severity: /^(?:CRITICAL|FATAL|crit|critical|fatal|emerg|\[critical\])$/.test(parts.head[0] ?? '') ? 'major' : 'minor',
    source: { logs: { roles: options.roles.length > 0 ? [...options.roles] : DEFAULT_ROLES, paths } },
    patterns,
    literals: [...new Set(literals)],
    remediation,
  };
}

/** The catalog file of a draft: a comment saying where it came from, then the signature. */
export function renderSignatureFile(draft: DraftSignature, group: UnrecognisedGroup): string {
  const body = stringify(
    {
      id: draft.id,
      title: draft.title,
      severity: draft.severity,
      source: { logs: { roles: [...draft.source.logs.roles], paths: [...draft.source.logs.paths] } },
      patterns: [...draft.patterns],
      literals: [...draft.literals],
      remediation: draft.remediation,
    },
    { lineWidth: 0 },
  );
  const template = group.template.replace(/[\r\n]+/g, ' ');
  return `# Drafted by \`stackmedic signatures propose\` from this unrecognised group (x${group.count}):\n#   ${template}\n# Check it with \`stackmedic signatures test FILE --logs DIR\`, then copy it into SIGNATURES_DIR.\n${body}`;
}
