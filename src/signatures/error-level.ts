/**
 * The cheap level check `diagnose` runs on every record to find error records. The level words
 * are found once per scanned block by native searches (as the matcher's prefilter finds its
 * literals); a record then only compares a few bytes around the hits in its first line. No
 * string decoding and no regex per line, so that the log scan keeps its speed.
 */

/** How far into a line the level may sit (oslo.log's is near byte 36, RabbitMQ's near 25). */
const LEVEL_WINDOW = 128;

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
/**
 * The needles, each at most 7 bytes with a first byte that is rare in logs: Node's native search
 * jumps between occurrences of the first byte with memchr for such needles (about 10 GB/s), while
 * 8 bytes or more switch it to Boyer-Moore-Horspool, five times slower here (`CRITICAL` was a
 * tenth of the scan). `rror` stands for every lowercase and title-case spelling (`[error]`,
 * `level=error`, `"error"`, the kernel's `I/O error` and `Error -5`) in one pass.
 */
const UPPER = bytes('ERROR');
const CRITIC = bytes('CRITIC');
const RROR = bytes('rror');
const NEEDLES = [UPPER, CRITIC, RROR];
/**
 * What is searched for each needle. `ERROR` is found as `RROR` preceded by `E`: on generated and
 * real OpenStack logs (capitals everywhere: `INFO`, `GET`, `HTTP`, request ids) the search for
 * `ERROR` ran at about 0.7 GB/s, the one for `RROR` at 20 GB/s and more.
 */
const SEARCHED = [bytes('RROR'), CRITIC, RROR];
const LEAD: readonly (number | undefined)[] = [69, undefined, undefined];
const LEVEL = bytes('level');
/**
 * The other levels oslo.log and syslog-style formats print in the same place. A ` CRITICAL ` or
 * ` ERROR ` after one of them is a value in the message, not the record's level (oslo's option
 * dump at start-up: `DEBUG oslo_service.service [-] rate_limit_except_level = CRITICAL`).
 */
const OTHER_LEVELS = [' DEBUG ', ' INFO ', ' WARNING ', ' TRACE ', ' AUDIT '].map(bytes);
const KERNEL = bytes('kernel: ');
const ERROR_REPORT = bytes('=ERROR REPORT====');
const TRACEBACK = bytes('Traceback (most recent call last)');
/** JSON keys whose value is a record's level (zap, logrus, python-json-logger, Cloud Logging, ECS). */
const JSON_LEVEL_KEYS = ['level', 'levelname', 'severity', 'log.level', 'loglevel', 'lvl'].map(bytes);

const SPACE = 32;
const QUOTE = 34;
const EQUALS = 61;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;

// A loop, not Buffer.compare: the native call costs more than comparing a few bytes, and this
// runs on every record that starts with `=` or `T` (every record of an old RabbitMQ log).
function at(block: Buffer, i: number, end: number, word: Buffer): boolean {
  if (i < 0 || i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (block[i + k] !== word[k]) return false;
  return true;
}

/** True for a kernel log file, where every line is the kernel's. */
export function isKernelFile(file: string): boolean {
  return file.includes('kern.log') || file.includes('dmesg');
}

/** True for a file that may hold kernel lines among others (syslog, messages) or only them. */
function mayHoldKernel(file: string): boolean {
  return isKernelFile(file) || file.includes('syslog') || file.includes('messages');
}

/**
 * `"key": "value"` with the quoted value at `[q, qEnd]` (both quotes) and a level key before it,
 * in the line `[start, end)`.
 */
function isJsonLevel(block: Buffer, start: number, end: number, q: number, qEnd: number): boolean {
  if (block[q] !== QUOTE || qEnd >= end || block[qEnd] !== QUOTE) return false;
  let i = q - 1;
  while (i > start && block[i] === SPACE) i--;
  if (block[i] !== COLON) return false;
  i--;
  while (i > start && block[i] === SPACE) i--;
  if (block[i] !== QUOTE) return false;
  for (const key of JSON_LEVEL_KEYS) {
    const from = i - key.length;
    if (from > start && block[from - 1] === QUOTE && at(block, from, i, key)) return true;
  }
  return false;
}

/**
 * A level word at the hit `p` of `needle` in the line `[start, end)`: ` ERROR ` or ` CRITICAL `
 * with no other level word before it, `[error]`, `[ERROR]`, `level=error` or `level=ERROR` starting in the first bytes of the line, or a JSON
 * level (`"level":"error"`, `"levelname": "ERROR"`, `"severity":"CRITICAL"`) there or anywhere in
 * a line that is a JSON object.
 */
function isLevelAt(block: Buffer, start: number, end: number, p: number, needle: Buffer): boolean {
  const json = block[start] === OPEN_BRACE;
  const limit = start + LEVEL_WINDOW;
  if (needle === RROR) {
    // The word `error` starts at p - 1; the byte before it says which form it is.
    if (block[p - 1] !== 101) return false;
    const mark = p - 2;
    if (mark < start) return false;
    const c = block[mark];
    if (c === QUOTE) return (json || mark < limit) && isJsonLevel(block, start, end, mark, p + 4);
    if (mark >= limit) return false;
    if (c === OPEN_BRACKET) return block[p + 4] === CLOSE_BRACKET;
    return c === EQUALS && at(block, mark - LEVEL.length, mark, LEVEL);
  }
  const length = needle === UPPER ? 5 : 8;
  if (needle === CRITIC && !(block[p + 6] === 65 && block[p + 7] === 76)) return false;
  const c = block[p - 1];
  if (c === QUOTE) return p - 1 >= start && (json || p - 1 < limit) && isJsonLevel(block, start, end, p - 1, p + length);
  if (c === SPACE) return p < limit && block[p + length] === SPACE && !otherLevelBefore(block, start, p - 1);
  // MariaDB and MySQL: `2019-08-25T03:53:37Z 0 [ERROR] InnoDB: ...`.
  if (c === OPEN_BRACKET) return needle === UPPER && p < limit && block[p + length] === CLOSE_BRACKET;
  return needle === UPPER && c === EQUALS && p - 1 < limit && at(block, p - 1 - LEVEL.length, p - 1, LEVEL);
}

/** True when another level word (` DEBUG `, ` INFO `, ...) stands in `[start, stop)`: that one is the level. */
function otherLevelBefore(block: Buffer, start: number, stop: number): boolean {
  // Only reached for a level-looking hit in the first bytes of a line, so a short scan is cheap.
  for (let i = start; i < stop; i++) {
    if (block[i] !== SPACE) continue;
    for (const word of OTHER_LEVELS) if (at(block, i, stop + 1, word)) return true;
  }
  return false;
}

/** The word at a hit spells error in any case the kernel uses (`error`, `Error`, `ERROR`). */
function isErrorWord(block: Buffer, p: number, needle: Buffer): boolean {
  if (needle !== RROR) return needle === UPPER;
  const c = block[p - 1];
  return c === 101 || c === 69;
}

/**
 * Finds error records' first lines in the blocks of one scan: oslo.log ERROR or CRITICAL,
 * RabbitMQ `[error]` and `=ERROR REPORT====`, Python tracebacks, logfmt `level=error`, JSON
 * levels (`"level":"error"`, `"levelname": "ERROR"`, `"severity":"ERROR"`), and kernel lines (in
 * kern.log, dmesg, syslog or messages) that say error.
 */
export class ErrorHeads {
  private block: Buffer | null = null;
  /** Offsets of the needles' occurrences in the block, in order, and which needle each is. */
  private readonly hits: number[] = [];
  private readonly needles: Buffer[] = [];
  /** Each needle's occurrences, merged into `hits`; kept to allocate nothing per block. */
  private readonly runs: number[][] = NEEDLES.map(() => []);
  private next = 0;
  private kernelFile = false;
  private kernelLines = false;

  /** Starts a file (its name tells whether kernel lines may be in it). */
  beginFile(file: string): void {
    this.block = null;
    this.kernelFile = isKernelFile(file);
    this.kernelLines = mayHoldKernel(file);
  }

  /** True when the line `block[start, end)` is an error record's first line. Lines come in order. */
  test(block: Buffer, start: number, end: number): boolean {
    if (block !== this.block) this.index(block);
    const first = block[start];
    if (first === EQUALS) return at(block, start, end, ERROR_REPORT);
    if (first === 84 && at(block, start, end, TRACEBACK)) return true;
    const hits = this.hits;
    let k = this.next;
    while (k < hits.length && (hits[k] as number) < start) k++;
    this.next = k;
    if (k === hits.length || (hits[k] as number) >= end) return false;
    let word = false;
    for (; k < hits.length && (hits[k] as number) < end; k++) {
      const p = hits[k] as number;
      const needle = this.needles[k] as Buffer;
      if (isLevelAt(block, start, end, p, needle)) return true;
      word ||= isErrorWord(block, p, needle);
    }
    // Kernel lines carry no level: the word is the only sign (I/O error, EXT4-fs error, Error -5).
    if (!word || !this.kernelLines) return false;
    return this.kernelFile || block.subarray(start, end).includes(KERNEL);
  }

  private index(block: Buffer): void {
    this.block = block;
    this.next = 0;
    const { hits, needles, runs } = this;
    hits.length = 0;
    needles.length = 0;
    SEARCHED.forEach((needle, n) => {
      const run = runs[n] as number[];
      run.length = 0;
      const lead = LEAD[n];
      // Step one byte, not the needle's length: `rror` may overlap itself (`errorror`).
      if (lead === undefined) for (let p = block.indexOf(needle); p >= 0; p = block.indexOf(needle, p + 1)) run.push(p);
      else for (let p = block.indexOf(needle, 1); p >= 0; p = block.indexOf(needle, p + 1)) if (block[p - 1] === lead) run.push(p - 1);
    });
    // Merge the sorted runs (the needles never start at the same byte).
    const at = runs.map(() => 0);
    for (;;) {
      let best = -1;
      for (let n = 0; n < runs.length; n++) {
        const run = runs[n] as number[];
        const i = at[n] as number;
        if (i < run.length && (best < 0 || (run[i] as number) < ((runs[best] as number[])[at[best] as number] as number))) best = n;
      }
      if (best < 0) return;
      hits.push((runs[best] as number[])[at[best] as number] as number);
      needles.push(NEEDLES[best] as Buffer);
      at[best] = (at[best] as number) + 1;
    }
  }
}

/** True when a line of text is an error record's first line (see `ErrorHeads`). */
export function isErrorLine(line: string, file: string): boolean {
  const heads = new ErrorHeads();
  heads.beginFile(file);
  const block = Buffer.from(line, 'utf8');
  return heads.test(block, 0, block.length);
}
