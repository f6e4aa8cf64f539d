/**
 * Part 3: log scanning. A generated corpus (real line shapes, varied fields, signature records at
 * known places) scanned by `stackmedic diagnose --logs DIR --json`, by `rg -f` and by
 * `grep -E -r -f` with the catalog's own patterns, each as a whole process; throughput is corpus
 * bytes over wall time, and stackmedic's findings are checked against what the generator sprinkled.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCorpus } from '../src/signatures/corpus.js';
import { isLogSignature, loadCatalog } from '../src/signatures/index.js';
import { mbFromKb, ms, ratio, type Row, type SectionResult } from './report.js';
import { CLI, median, note, runTimed, type Cleanup, type TimedRun } from './util.js';

/** Options of the log scanning part. */
export interface LogScanOptions {
  readonly bytes: number;
  readonly runs: number;
}

/** Regex dialects of the peers. */
export type Dialect = 'rust' | 'ere';

/**
 * Rewrites a catalog pattern (JavaScript syntax) for a peer: named groups lose their names (a
 * joined pattern list must not repeat a name), and for POSIX ERE (GNU grep -E) non-capturing
 * groups become plain groups, `\d` becomes `[0-9]` and lazy quantifiers become greedy (they only
 * change what a group captures, never whether a line matches).
 */
export function convertPattern(pattern: string, dialect: Dialect): string {
  let out = '';
  let inClass = false;
  // The previous token was a quantifier, so a `?` now makes it lazy rather than optional.
  let afterQuantifier = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if (dialect === 'ere' && next === 'd') out += inClass ? '0-9' : '[0-9]';
      // `/` needs no escape in JavaScript either; rg refuses the needless escape.
      else if (next === '/') out += '/';
      else out += c + next;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      afterQuantifier = false;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?' && (pattern[i + 2] === '!' || pattern[i + 2] === '=')) {
      // Neither peer engine has look-around: dropping the assertion only widens what matches, so
      // the peers do no less work than stackmedic.
      i = endOfGroup(pattern, i);
      afterQuantifier = false;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i));
      if (named) {
        out += '(';
        i += named[0].length - 1;
        afterQuantifier = false;
        continue;
      }
      if (pattern[i + 2] === ':' && dialect === 'ere') {
        out += '(';
        i += 2;
        afterQuantifier = false;
        continue;
      }
    }
    if (c === '?' && afterQuantifier) {
      afterQuantifier = false;
      if (dialect === 'ere') continue;
      out += c;
      continue;
    }
    afterQuantifier = c === '*' || c === '+' || c === '?' || c === '}';
    out += c;
  }
  return out;
}

/** The index of the `)` closing the group that opens at `start` (escapes and classes skipped). */
function endOfGroup(pattern: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return pattern.length - 1;
}

/** Runs the log scanning part. */
export async function benchLogScan(cleanup: Cleanup, o: LogScanOptions): Promise<SectionResult> {
  const dir = cleanup.tempDir('corpus');
  const logs = join(dir, 'logs');
  note(`logs: generating a ${(o.bytes / 1e9).toFixed(2)} GB corpus`);
  const genStarted = performance.now();
  const layout = writeCorpus(logs, o.bytes, { seed: 7 });
  const genMs = performance.now() - genStarted;
  const catalog = await loadCatalog();
  const patterns = catalog.signatures.filter(isLogSignature).flatMap((s) => s.patterns);
  const rustFile = join(dir, 'patterns.rust');
  const ereFile = join(dir, 'patterns.ere');
  writeFileSync(rustFile, `${patterns.map((p) => convertPattern(p, 'rust')).join('\n')}\n`);
  writeFileSync(ereFile, `${patterns.map((p) => convertPattern(p, 'ere')).join('\n')}\n`);

  const env = { ...process.env, STACKMEDIC_DB: join(dir, 'unused.sqlite') };
  const tools = {
    stackmedic: { cmd: process.execPath, args: [CLI, 'diagnose', '--logs', logs, '--json'], env },
    rg: { cmd: 'rg', args: ['--no-ignore', '--hidden', '-c', '-f', rustFile, logs] },
    'rg -j1': { cmd: 'rg', args: ['--no-ignore', '--hidden', '-j1', '-c', '-f', rustFile, logs] },
    'grep -E': { cmd: 'grep', args: ['-E', '-r', '-c', '-f', ereFile, logs] },
  } as const;
  type Tool = keyof typeof tools;
  const runs: Record<Tool, TimedRun[]> = { stackmedic: [], rg: [], 'rg -j1': [], 'grep -E': [] };
  for (let i = 0; i < o.runs; i++) {
    note(`logs: scan run ${i + 1} of ${o.runs}`);
    for (const tool of Object.keys(tools) as Tool[]) {
      const t = tools[tool];
      runs[tool].push(await runTimed(cleanup, t.cmd, t.args, { ...('env' in t ? { env: t.env } : {}), rssFile: join(dir, 'time.out') }));
    }
  }

  // Exit code 1 means "serious findings" for diagnose and "no match" for grep/rg: not a failure.
  const broken = Object.entries(runs).flatMap(([tool, rs]) =>
    rs.filter((r) => r.code !== 0 && r.code !== 1).map((r) => `${tool} exited ${r.code}: ${r.stderr.slice(-300)}`),
  );
  const last = runs.stackmedic[runs.stackmedic.length - 1];
  const found: Record<string, number> = {};
  try {
    for (const f of (JSON.parse(last?.stdout ?? '{}') as { findings?: { signature: string }[] }).findings ?? [])
      found[f.signature] = (found[f.signature] ?? 0) + 1;
  } catch {
    broken.push('stackmedic diagnose printed no JSON');
  }
  let missed = 0;
  let extra = 0;
  const differences: string[] = [];
  for (const id of new Set([...Object.keys(found), ...Object.keys(layout.expected)])) {
    const want = layout.expected[id] ?? 0;
    const got = found[id] ?? 0;
    if (got < want) missed += want - got;
    if (got > want) extra += got - want;
    if (got !== want) differences.push(`${id}: ${got} found, ${want} sprinkled`);
  }
  const sprinkled = Object.values(layout.expected).reduce((a, b) => a + b, 0);
  const matchedLines = (r: TimedRun | undefined): number =>
    (r?.stdout ?? '').split('\n').reduce((n, line) => n + (Number(line.slice(line.lastIndexOf(':') + 1)) || 0), 0);

  const wall = (t: Tool): number => median(runs[t].map((r) => r.wallMs));
  const mbps = (t: Tool): number => layout.bytes / 1e6 / (wall(t) / 1000);
  const cpuOf = (t: Tool): number => median(runs[t].map((r) => r.cpuMs));
  const rss = median(runs.stackmedic.map((r) => r.maxRssKb));
  const peakRss = Math.max(...runs.stackmedic.map((r) => r.maxRssKb));
  const rows: Row[] = [
    {
      label: 'corpus',
      value: `${(layout.bytes / 1e6).toFixed(0)} MB`,
      detail: `${layout.files.length} files, ${layout.records} records, ${sprinkled} signature records; generated in ${ms(genMs)}`,
    },
    ...(Object.keys(tools) as Tool[]).map((t) => ({
      label: t === 'stackmedic' ? 'stackmedic diagnose' : t,
      value: `${mbps(t).toFixed(0)} MB/s`,
      detail: `${ms(wall(t))} wall, ${ms(cpuOf(t))} CPU, peak RSS ${mbFromKb(median(runs[t].map((r) => r.maxRssKb)))}; ${
        t === 'stackmedic' ? `${Object.values(found).reduce((a, b) => a + b, 0)} findings` : `${matchedLines(runs[t][runs[t].length - 1])} matching lines`
      }${t === 'stackmedic' ? '' : `; stackmedic/${t} = ${ratio(mbps('stackmedic'), mbps(t))}`}`,
    })),
    { label: 'findings vs sprinkled', value: `${missed} missed`, detail: `${extra} extra${differences.length ? `: ${differences.join('; ')}` : ''}` },
  ];
  for (const b of broken) rows.push({ label: 'FAILED', value: '', detail: b });
  const ok = broken.length === 0;
  const isGb = layout.bytes >= 1e9;
  return {
    id: 'logscan',
    title: `Log scanning (${(layout.bytes / 1e9).toFixed(2)} GB corpus, whole processes, medians of ${o.runs} runs)`,
    rows,
    targets: [
      {
        id: 'scan-500',
        target: 'log scan >= 500 MB/s on one core',
        measured: `${mbps('stackmedic').toFixed(0)} MB/s (${ms(cpuOf('stackmedic'))} CPU for ${ms(wall('stackmedic'))} wall)`,
        pass: ok && mbps('stackmedic') >= 500,
      },
      {
        id: 'scan-vs-rg',
        target: "log scan >= 1/3 of rg's throughput",
        measured: `${ratio(mbps('stackmedic'), mbps('rg'))} of rg (${mbps('rg').toFixed(0)} MB/s, 2 threads); ${ratio(mbps('stackmedic'), mbps('rg -j1'))} of rg -j1`,
        pass: ok && mbps('stackmedic') >= mbps('rg') / 3,
      },
      {
        id: 'scan-rss',
        target: 'log scan peak RSS < 150 MB (1 GB corpus)',
        measured: `${mbFromKb(peakRss)} (median ${mbFromKb(rss)})${isGb ? '' : ', corpus under 1 GB'}`,
        pass: ok && isGb ? peakRss * 1024 < 150e6 : null,
      },
      {
        id: 'scan-exact',
        target: 'log scan: zero missed, zero extra findings',
        measured: `${missed} missed, ${extra} extra of ${sprinkled}`,
        pass: ok && missed === 0 && extra === 0,
      },
    ],
    data: {
      bytes: layout.bytes,
      files: layout.files.length,
      records: layout.records,
      expected: layout.expected,
      found,
      generateMs: Math.round(genMs),
      wallMs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => Math.round(r.wallMs))])),
      cpuMs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => Math.round(r.cpuMs))])),
      maxRssKb: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((r) => r.maxRssKb)])),
      broken,
    },
  };
}
