/**
 * How many of a peer's failure cases the catalog names: canonical/hotsos's scenario tests
 * (`hotsos/defs/tests/scenarios/**.yaml`) give, for each case, the log files of a host and the
 * issues or bugs hotsos raises on them. Each case's log files are laid out as one node and
 * diagnosed; a case that raises something is named when stackmedic finds anything, one that
 * raises nothing should give no finding (or only findings on a version the package list shows
 * carries the fix). Cases without a log file (command outputs only) are not
 * counted. Not part of `npm run bench`: it needs a copy of hotsos.
 *
 *   npm run build && node dist/bench/peer-scenarios.js /path/to/hotsos.git [openstack/ storage/ceph ...]
 *
 * (a clone's `.git` or a bare repository; the scenarios are read at its HEAD).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { loadCatalog } from '../src/signatures/catalog.js';
import { diagnoseDirectory } from '../src/signatures/diagnose.js';

const ROOT = 'hotsos/defs/tests/scenarios/';
/** The data-root paths diagnose reads as logs. */
const LOG = /^(?:var\/log\/|var\/snap\/[^/]+\/common\/logs?\/|sos_commands\/logs\/journalctl|sos_commands\/kernel\/dmesg)/;
/** The package list, for the findings a fixed version rules out (as hotsos's version checks do). */
const PACKAGES = 'sos_commands/dpkg/dpkg_-l';

interface Scenario {
  readonly 'data-root'?: { readonly files?: Readonly<Record<string, unknown>> };
  readonly 'raised-issues'?: Readonly<Record<string, unknown>> | null;
  readonly 'raised-bugs'?: Readonly<Record<string, unknown>> | null;
}

async function main(): Promise<void> {
  const [gitDir, ...prefixes] = process.argv.slice(2);
  if (!gitDir) {
    process.stderr.write('usage: node dist/bench/peer-scenarios.js HOTSOS_GIT_DIR [SCENARIO_PREFIX ...]\n');
    process.exitCode = 2;
    return;
  }
  const git = (...args: string[]): string =>
    execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const files = git('ls-tree', '-r', '--name-only', 'HEAD', ROOT)
    .split('\n')
    .filter((p) => p.endsWith('.yaml') && (prefixes.length === 0 || prefixes.some((x) => p.slice(ROOT.length).startsWith(x))));
  const catalog = await loadCatalog();
  let raised = 0;
  let named = 0;
  let quiet = 0;
  let noisy = 0;
  for (const file of files) {
    let scenario: Scenario;
    try {
      scenario = parse(git('show', `HEAD:${file}`)) as Scenario;
    } catch {
      continue;
    }
    const given = Object.entries(scenario?.['data-root']?.files ?? {}).filter(([, text]) => typeof text === 'string') as [string, string][];
    const logs = given.filter(([p]) => LOG.test(p));
    if (logs.length === 0) continue;
    const raises = Object.keys(scenario['raised-issues'] ?? {}).length + Object.keys(scenario['raised-bugs'] ?? {}).length > 0;
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-peer-'));
    let found: string[] = [];
    let error = '';
    try {
      for (const [path, text] of given.filter(([p]) => LOG.test(p) || p === PACKAGES)) {
        mkdirSync(dirname(join(dir, 'node-1', path)), { recursive: true });
        writeFileSync(join(dir, 'node-1', path), text);
      }
      // A finding on a version that carries the fix is said to be likely not the bug: not named.
      const findings = (await diagnoseDirectory(dir, catalog)).findings.filter((f) => f.fields.versionVerdict !== 'fixed');
      found = [...new Set(findings.map((f) => f.signature))];
    } catch (e) {
      error = (e as Error).message.split('\n')[0] ?? '';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (raises) {
      raised++;
      if (found.length > 0) named++;
    } else {
      quiet++;
      if (found.length > 0) noisy++;
    }
    const verdict = found.length > 0 ? 'found' : error ? 'unread' : 'nothing';
    process.stdout.write(`${raises ? 'raises' : 'quiet '} ${verdict.padEnd(7)} ${file.slice(ROOT.length)} ${found.join(' ')}${error ? ` (${error})` : ''}\n`);
  }
  process.stdout.write(`\ncases that raise something: ${named}/${raised} named; cases that raise nothing: ${noisy}/${quiet} with a finding\n`);
}

await main();
