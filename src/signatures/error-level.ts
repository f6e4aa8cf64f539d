/**
 * The cheap level check `diagnose` runs on every record to find error records. The level words
 * are found once per scanned block by native searches (as the matcher's prefilter finds its
 * literals); a record then only compares a few bytes around the hits in its first line. No
 * string decoding and no regex per line, so that the log scan keeps its speed.
 */

/** How far into a line the level may sit (oslo.log's is near byte 36, RabbitMQ's near 25). */
const LEVEL_WINDOW = 128;

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
// Needles whose first byte is rare in logs: the native search skips ahead fastest on them.
const SEARCHED = [bytes('ERROR'), bytes('CRITICAL'), bytes('[error]'), bytes('=error')];
const LOGFMT = bytes('level');
const KERNEL = bytes('kernel: ');
const ERROR_REPORT = bytes('=ERROR REPORT====');
const TRACEBACK = bytes('Traceback (most recent call last)');
const ERROR_TITLE = bytes('Error');
const ERROR_LOWER = bytes('error');

function at(block: Buffer, i: number, end: number, word: Buffer): boolean {
  return i >= 0 && i + word.length <= end && block.compare(word, 0, word.length, i, i + word.length) === 0;
}

/** True for a kernel log file, where every line is the kernel's. */
export function isKernelFile(file: string): boolean {
  return file.includes('kern.log') || file.includes('dmesg');
}

/** True for a file that may hold kernel lines among others (syslog, messages) or only them. */
function mayHoldKernel(file: string): boolean {
  return isKernelFile(file) || file.includes('syslog') || file.includes('messages');
}

/** A level word at a hit `p`: ` ERROR `, ` CRITICAL `, `[error]` or `level=error`. */
function isLevelAt(block: Buffer, p: number): boolean {
  const c = block[p];
  if (c === 69) return block[p - 1] === 32 && block[p + 5] === 32;
  if (c === 67) return block[p - 1] === 32 && block[p + 8] === 32;
  if (c === 91) return true;
  return at(block, p - LOGFMT.length, p, LOGFMT);
}

/**
 * Finds error records' first lines in the blocks of one scan: oslo.log ERROR or CRITICAL,
 * RabbitMQ `[error]` and `=ERROR REPORT====`, Python tracebacks, logfmt `level=error`, and kernel
 * lines (in kern.log, dmesg, syslog or messages) that say error.
 */
export class ErrorHeads {
  private block: Buffer | null = null;
  private hits: number[] = [];
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
    if (first === 61) return at(block, start, end, ERROR_REPORT);
    if (first === 84 && at(block, start, end, TRACEBACK)) return true;
    const hits = this.hits;
    while (this.next < hits.length && (hits[this.next] as number) < start) this.next++;
    const limit = Math.min(end, start + LEVEL_WINDOW);
    for (let k = this.next; k < hits.length && (hits[k] as number) < limit; k++) {
      if (isLevelAt(block, hits[k] as number)) return true;
    }
    if (!this.kernelLines) return false;
    // Kernel lines carry no level: the word is the only sign (I/O error, EXT4-fs error, Error -5).
    const line = block.subarray(start, end);
    if (!this.kernelFile && !line.includes(KERNEL)) return false;
    return line.includes(ERROR_LOWER) || line.includes(ERROR_TITLE) || line.includes(SEARCHED[0] as Buffer);
  }

  private index(block: Buffer): void {
    this.block = block;
    this.next = 0;
    const hits: number[] = [];
    for (const word of SEARCHED) {
      for (let p = block.indexOf(word); p >= 0; p = block.indexOf(word, p + word.length)) hits.push(p);
    }
    this.hits = hits.sort((a, b) => a - b);
  }
}

/** True when a line of text is an error record's first line (see `ErrorHeads`). */
export function isErrorLine(line: string, file: string): boolean {
  const heads = new ErrorHeads();
  heads.beginFile(file);
  const block = Buffer.from(line, 'utf8');
  return heads.test(block, 0, block.length);
}
