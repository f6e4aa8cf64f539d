import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';
import { compareNodes } from '../inventory/node-order.js';
import type { CopiedLog } from './empty-logs.js';
import { podLogHostPath, POD_LOG_ROOT } from './pod-logs.js';

/**
 * How a copied file is read:
 * - `log`: a log file, by the signatures whose globs name its path;
 * - `journal`: a sosreport's export of the whole systemd journal (`journalctl --no-pager`), by
 *   the signatures that read the system log or declare journal units;
 * - `kernel`: a sosreport's `dmesg`, by the signatures that read the kernel log;
 * - `meta`: not a log (a package list): never scanned, read by its own reader.
 */
export type CopiedKind = 'log' | 'journal' | 'kernel' | 'meta';

/** A file of a copied tree, with how it is read. */
export interface CopiedFile extends CopiedLog {
  readonly kind: CopiedKind;
  /** The host path signatures read it as, when that is not `path` (a saved pod log). */
  readonly as?: string;
}

/** A copied tree, listed: its files and the year its sosreports were taken in, per node. */
export interface LogTree {
  readonly files: readonly CopiedFile[];
  /** The year a node's sosreport was taken (its `date` file), for log lines that carry none. */
  readonly years: ReadonlyMap<string, number>;
  /** Top-level entries of the directory, for the message when nothing in it is a known log. */
  readonly entries: readonly string[];
}

/**
 * The journal exports sos writes, best first: the whole journal, or else the current and the
 * previous boot (disjoint, so both are read). Never more than one of the groups: they overlap.
 */
const JOURNAL_EXPORTS: readonly (readonly string[])[] = [
  ['journalctl_--no-pager'],
  ['journalctl_--no-pager_--catalog_--boot_-1', 'journalctl_--no-pager_--catalog_--boot'],
  ['journalctl_--no-pager_--boot_-1', 'journalctl_--no-pager_--boot'],
];

/** dpkg's database in a copied tree (read by `copiedPackageVersions`). */
const DPKG_STATUS = '/var/lib/dpkg/status';

/** What sos keeps that says what was installed (read by `copiedPackageVersions`). */
const SOS_META = ['/sos_commands/dpkg/dpkg_-l'];

/** A host name as `hostname` holds it: one DNS label or name, nothing a path or a shell would read. */
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/**
 * Lists a copied tree: `<node>/<absolute path of the log>` (one directory per node), where a
 * node's directory may be an extracted sosreport, or `dir` itself an extracted sosreport (one
 * node, named by its `hostname` file). In a sosreport only `var/log`, the journal export, `dmesg`
 * (where there is no kern.log), the package list and the OpenStack services' saved pod logs
 * (`pod-logs.ts`) are taken: configuration and command outputs are not logs, and reading them
 * would count their words as errors.
 */
export async function listLogTree(dir: string): Promise<LogTree> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`cannot read the logs directory ${dir}: ${(error as Error).message}`, 'stackmedic_diagnose_dir');
  }
  const names = entries.map((e) => e.name).sort();
  const files: CopiedFile[] = [];
  const years = new Map<string, number>();
  const addSosreport = async (root: string, node: string): Promise<void> => {
    files.push(...(await sosreportFiles(root, node)));
    const year = await sosreportYear(root);
    if (year !== null) years.set(node, year);
  };
  if (await isSosreport(dir)) {
    await addSosreport(dir, (await sosreportHostname(dir)) ?? basename(dir));
  } else {
    const nodes = entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort(compareNodes);
    for (const name of nodes) {
      const root = join(dir, name);
      if (await isSosreport(root)) {
        // sos names its own directory `sosreport-<host>-<date>-<id>`: the host name says it better.
        // A directory the operator named (node-10) keeps that name, the one the inventory uses.
        await addSosreport(root, name.startsWith('sosreport-') ? ((await sosreportHostname(root)) ?? name) : name);
      } else {
        // dpkg's database is read for the package versions, not as a log.
        for (const f of await walk(root, '')) files.push({ node: name, path: f, local: join(root, f), kind: f === DPKG_STATUS ? 'meta' : 'log' });
      }
    }
  }
  files.sort((a, b) => compareNodes(a.node, b.node) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, years, entries: names };
}

/** An extracted sosreport's root: it has the `sos_commands` directory sos writes. */
async function isSosreport(root: string): Promise<boolean> {
  try {
    return (await stat(join(root, 'sos_commands'))).isDirectory();
  } catch {
    return false;
  }
}

async function sosreportFiles(root: string, node: string): Promise<CopiedFile[]> {
  const out: CopiedFile[] = [];
  const logs = await walk(root, '/var/log');
  for (const path of logs) out.push({ node, path, local: join(root, path), kind: 'log' });
  const exports = new Set(await list(join(root, 'sos_commands/logs')));
  const journal = JOURNAL_EXPORTS.find((group) => group.some((name) => exports.has(name))) ?? [];
  for (const name of journal.filter((n) => exports.has(n))) {
    const path = `/sos_commands/logs/${name}`;
    out.push({ node, path, local: join(root, path), kind: 'journal' });
  }
  // The ring buffer sos saved holds what kern.log would, when the host has none (containers,
  // journald-only hosts); where kern.log exists it is the fuller copy of the same lines.
  if (!logs.some((p) => p.startsWith('/var/log/kern.log')) && (await list(join(root, 'sos_commands/kernel'))).includes('dmesg')) {
    out.push({ node, path: '/sos_commands/kernel/dmesg', local: join(root, 'sos_commands/kernel/dmesg'), kind: 'kernel' });
  }
  for (const path of SOS_META) if (await isFile(join(root, path))) out.push({ node, path, local: join(root, path), kind: 'meta' });
  // Kubernetes-hosted services (Sunbeam): the containers' logs sos saved, each read as the host
  // log of its service.
  for (const path of await walk(root, POD_LOG_ROOT)) {
    const as = podLogHostPath(path);
    if (as !== null) out.push({ node, path, local: join(root, path), kind: 'log', as });
  }
  return out;
}

/** The host name a sosreport's `hostname` file holds, when it is one. */
async function sosreportHostname(root: string): Promise<string | null> {
  const name = (await readText(join(root, 'hostname')))?.split('\n')[0]?.trim() ?? '';
  return HOSTNAME.test(name) ? name : null;
}

/**
 * The year sos ran in, from its `date` file: `date`'s output (`Fri Feb 11 10:01:23 UTC 2022`) or
 * `timedatectl`'s (`Local time: Thu 2022-02-10 09:52:10 UTC`), when it says one.
 */
async function sosreportYear(root: string): Promise<number | null> {
  // `date` is a link sos makes to one of these; where it dangles, the outputs are still there.
  for (const file of ['date', 'sos_commands/date/date_--utc', 'sos_commands/date/date']) {
    const head = ((await readText(join(root, file))) ?? '').split('\n').slice(0, 3).join(' ');
    const m = /\b((?:19|20)\d\d)\b/.exec(head);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Regular files under `root/rel`, as absolute paths of the node (`/var/log/...`); none if absent. */
async function walk(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  const stack: string[] = [rel];
  while (stack.length > 0) {
    const at = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, at), { withFileTypes: true });
    } catch (error) {
      if (at === rel && (error as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw new UserError(`cannot read ${join(root, at)}: ${(error as Error).message}`, 'stackmedic_diagnose_dir');
    }
    for (const entry of entries) {
      const child = `${at}/${entry.name}`;
      // Symlinks are skipped: copied log trees should not lead the scan elsewhere (or in loops).
      if (entry.isDirectory()) stack.push(child);
      else if (entry.isFile()) out.push(child);
    }
  }
  return out;
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
