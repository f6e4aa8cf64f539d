/**
 * A small Drain-style template miner (He et al., "Drain: An Online Log Parsing Approach with Fixed
 * Depth Tree", ICWS 2017): messages are masked, split into tokens, routed by token count and their
 * first tokens to a leaf, and joined to the most similar template there when similar enough;
 * tokens where members differ become `<*>`. One pass, and a bounded number of templates.
 */

/** What stands for a variable part of a message. */
export const WILDCARD = '<*>';

/** Tuning of the miner. */
export interface TemplateMinerOptions {
  /** At most this many templates are kept; later new messages only count as "other". Default 1000. */
  readonly maxTemplates?: number;
  /** Share of equal tokens (0..1) a message needs to join a template. Default 0.5. */
  readonly similarity?: number;
  /** First tokens used to route a message to its leaf (Drain's depth minus the length level). Default 2. */
  readonly depth?: number;
  /** Messages are cut to this many tokens before mining. Default 60. */
  readonly maxTokens?: number;
}

/** One template and the messages it gathered. */
export interface MinedTemplate<T> {
  readonly id: number;
  tokens: string[];
  count: number;
  /** Whatever the caller keeps per template (counts per node, times, an example). */
  readonly data: T;
}

const TIMESTAMP = /\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)?\b/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const REQ_ID = /\breq-<\*>/g;
const IP_PORT = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const IPV6 = /\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b/gi;
const HEX = /\b0x[0-9a-f]+\b|\b[0-9a-f]{16,}\b/gi;
const ERLANG_PID = /<\d+\.\d+\.\d+>/g;
const PATH = /(?<![\w<])(?:\/[\w.@+-]+){2,}\/?/g;
const NUMBER = /(?<![A-Za-z])[-+]?\d+(?:[.,:]\d+)*(?:[eE][-+]?\d+)?/g;

/**
 * Masks the variable parts of a message: timestamps, uuids (so `req-` ids), IPv4 with port and IPv6 addresses,
 * Erlang pids, hex, absolute paths and numbers all become `<*>`. Order matters: wide shapes first,
 * so that their digits are not masked piecemeal.
 */
export function maskMessage(message: string): string {
  return message
    .replace(TIMESTAMP, WILDCARD)
    .replace(UUID, WILDCARD)
    .replace(REQ_ID, WILDCARD)
    .replace(IP_PORT, WILDCARD)
    .replace(IPV6, WILDCARD)
    .replace(ERLANG_PID, WILDCARD)
    .replace(HEX, WILDCARD)
    .replace(PATH, WILDCARD)
    .replace(NUMBER, WILDCARD)
    .replace(/(?:<\*>[^\s\w]*){2,}(?=\s|$)/g, (run) => (/^(?:<\*>)+$/.test(run) ? WILDCARD : run));
}

/** A routing key: a token holding a digit or a wildcard routes as a wildcard (Drain's rule). */
function routeKey(token: string | undefined): string {
  if (token === undefined) return '';
  return /[\d*]/.test(token) ? WILDCARD : token;
}

/**
 * The template miner. `add` returns the template a message joined (or founded), or `null` when the
 * bound was reached and the message is new: the caller counts it as "other".
 */
export class TemplateMiner<T> {
  private readonly leaves = new Map<string, MinedTemplate<T>[]>();
  private readonly all: MinedTemplate<T>[] = [];
  private readonly options: Required<TemplateMinerOptions>;

  constructor(
    private readonly create: () => T,
    options: TemplateMinerOptions = {},
  ) {
    this.options = { maxTemplates: 1000, similarity: 0.5, depth: 2, maxTokens: 60, ...options };
  }

  /** Templates in the order they were founded. */
  get templates(): readonly MinedTemplate<T>[] {
    return this.all;
  }

  /** Mines one message (masked here). */
  add(message: string): MinedTemplate<T> | null {
    const tokens = maskMessage(message).split(/\s+/).filter(Boolean).slice(0, this.options.maxTokens);
    const key = [String(tokens.length), ...tokens.slice(0, this.options.depth).map(routeKey)].join('\u0000');
    let leaf = this.leaves.get(key);
    let best: MinedTemplate<T> | null = null;
    let bestScore = -1;
    for (const candidate of leaf ?? []) {
      const score = similarity(candidate.tokens, tokens);
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    if (best !== null && bestScore >= this.options.similarity) {
      best.tokens = best.tokens.map((t, i) => (t === tokens[i] ? t : WILDCARD));
      best.count++;
      return best;
    }
    if (this.all.length >= this.options.maxTemplates) return null;
    const founded: MinedTemplate<T> = { id: this.all.length, tokens, count: 1, data: this.create() };
    if (!leaf) {
      leaf = [];
      this.leaves.set(key, leaf);
    }
    leaf.push(founded);
    this.all.push(founded);
    return founded;
  }
}

/**
 * Share of positions where the template and the tokens are equal. A wildcard the template gained by
 * merging does not count as agreement (as in Drain), so a template cannot swallow a whole leaf.
 */
function similarity(template: readonly string[], tokens: readonly string[]): number {
  if (template.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === tokens[i]) same++;
  }
  return same / template.length;
}
