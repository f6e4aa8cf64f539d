/**
 * `/cluster free-disk NODE`: shows the largest known space hogs, then removes only cinder's image
 * conversion leftovers that no process holds open (a file still open frees nothing when removed,
 * and may be a conversion in progress), and verifies the space came back.
 */
import { diskUsage, type DiskMount } from '../probes/disk-usage.js';
import {
  CINDER_CONVERSION_DIR,
  CINDER_CONVERSION_DIRS,
  conversionDirOf,
  displayPath,
  pathProblem,
  spaceHogs,
  type SpaceHogFile,
} from '../probes/space-hogs.js';
import { remote, sh } from '../ssh/shell.js';
import { guardedRemoveScript } from './guarded-remove.js';
import { bytes, readProbe } from './read.js';
import type { ActStep, Runbook, RunbookContext, StepVerdict } from './types.js';

/** Whether a process holds a file open, as fuser and lsof on the node tell. */
export type HolderCheck = { readonly held: true; readonly pids: string } | { readonly held: false } | { readonly held: 'unknown'; readonly why: string };

/** Asks `fuser`, then `lsof`, whether anything holds `path` open. */
export async function holdersOf(rctx: Pick<RunbookContext, 'executor'>, node: string, path: string): Promise<HolderCheck> {
  let tools = 0;
  for (const script of [sh`fuser ${path}`, sh`lsof -t ${path}`]) {
    const r = await rctx.executor.exec(node, remote(script, { privileged: true }), { timeoutMs: 20_000 });
    if (!r.ok || r.exitCode === 127 || r.exitCode === null) continue;
    tools++;
    const pids = r.stdout
      .trim()
      .split(/\s+/)
      .filter((p) => /^\d+$/.test(p));
    if (r.exitCode === 0 && pids.length > 0) return { held: true, pids: pids.join(' ') };
  }
  return tools > 0 ? { held: false } : { held: 'unknown', why: 'neither fuser nor lsof could be run' };
}

function rootOf(mounts: readonly DiskMount[], dir: string): DiskMount | undefined {
  return [...mounts]
    .filter((m) => `${dir}/`.startsWith(m.mountpoint === '/' ? '/' : `${m.mountpoint}/`))
    .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
}

function mountLine(m: DiskMount | undefined): string {
  return m ? `${m.mountpoint} ${m.usePercent}% used, ${bytes(m.availBytes)} free of ${bytes(m.sizeBytes)}` : 'mount unknown';
}

/** Builds the free-disk runbook for `node`: the survey (hogs, holders) is read now, read-only. */
export async function buildFreeDisk(rctx: RunbookContext, node: string): Promise<Runbook> {
  const [hogs, df] = await Promise.all([readProbe(rctx, node, spaceHogs), readProbe(rctx, node, diskUsage)]);
  const files: readonly SpaceHogFile[] = hogs.ok ? hogs.value.files : [];
  // Names that start like the conversion dir but do not plainly lie in it (`..`, `//`, line
  // breaks): a crafted name, never acted on, and said so.
  const suspicious = files.filter((f) => f.category !== 'cinder-conversion' && CINDER_CONVERSION_DIRS.some((dir) => f.path.startsWith(`${dir}/`)));
  const leftovers = files.filter((f) => f.category === 'cinder-conversion');
  // The dir the leftovers are in: kolla's lives in the `cinder` volume, a classic node's under /var/lib/cinder.
  const conversionDir = leftovers.map((f) => conversionDirOf(f.path)).find((d) => d !== undefined) ?? CINDER_CONVERSION_DIR;
  const checked = await Promise.all(leftovers.map(async (f) => ({ file: f, holders: await holdersOf(rctx, node, f.path) })));
  const removable = checked.filter((c) => c.holders.held === false).map((c) => c.file);
  const before = df.ok ? rootOf(df.value.mounts, conversionDir) : undefined;
  const freed = removable.reduce((n, f) => n + f.bytes, 0);

  const acts: ActStep[] = removable.map((f) => ({
    kind: 'act',
    description: `remove cinder conversion leftover ${f.path} (${bytes(f.bytes)}) on ${node}`,
    node,
    // Everything is checked again on the node in the same command: the name may have been swapped
    // for a symlink, the file replaced, or a conversion started since the plan was shown.
    // The allowed dir is the one this very file is plainly inside: one of the known conversion dirs, never another.
    command: remote(guardedRemoveScript({ dir: conversionDirOf(f.path) ?? conversionDir, path: f.path, device: f.device, inode: f.inode }), {
      privileged: true,
    }),
    timeoutMs: 60_000,
    onFailure: `${node} refused the removal or rm failed (the reason is above): run /cluster free-disk ${node} again to see the files as they are now`,
  }));
  const suspiciousLines = suspicious.map(
    (f) => `${displayPath(f.path)}: refused, ${pathProblem(f.path) ?? 'not plainly inside the conversion dir'}; never removed`,
  );

  return {
    id: 'cluster-free-disk',
    title: `Free disk on ${node}`,
    nodes: [node],
    steps: [
      {
        kind: 'check',
        description: `largest known space hogs on ${node}`,
        async run(): Promise<StepVerdict> {
          if (!hogs.ok) return { ok: false, detail: `cannot list the space hogs: ${hogs.problem}`, next: `/cluster disk ${node}` };
          const list = files.slice(0, 10).map((f) => `${bytes(f.bytes)}  ${displayPath(f.path)}  (${f.category})`);
          return {
            ok: true,
            detail: [mountLine(before), ...(list.length ? list : ['no file over 100 MB in the cinder conversion dir, the glance cache or /var/log'])].join(
              '\n',
            ),
          };
        },
      },
      {
        kind: 'check',
        description: `cinder conversion leftovers that no process holds open`,
        async run(): Promise<StepVerdict> {
          const held = checked.filter((c) => c.holders.held === true);
          const unknown = checked.filter((c) => c.holders.held === 'unknown');
          const lines = [
            ...suspiciousLines,
            ...checked.map((c) =>
              c.holders.held === true
                ? `${c.file.path}: held open by pid ${c.holders.pids}, kept`
                : c.holders.held === 'unknown'
                  ? `${c.file.path}: ${c.holders.why}, kept`
                  : `${c.file.path}: not open, removable`,
            ),
          ];
          if (removable.length > 0) return { ok: true, detail: [`${bytes(freed)} removable`, ...lines].join('\n') };
          if (leftovers.length === 0) {
            return {
              ok: false,
              detail: [
                ...(suspiciousLines.length > 0 ? [`${node} listed names under ${conversionDir} that are not plain paths: ${suspiciousLines.join('; ')}.`] : []),
                `no cinder conversion leftover over 100 MB on ${node}; nothing stackmedic can safely remove (the list above shows what else is large)`,
              ].join(' '),
              next: `inspect the largest files by hand`,
            };
          }
          if (unknown.length > 0)
            return {
              ok: false,
              detail: `cannot tell whether the conversion files are in use on ${node}: ${lines.join('; ')}`,
              next: `install psmisc (fuser) or lsof on ${node}`,
            };
          return {
            ok: false,
            detail: `every cinder conversion leftover on ${node} is held open (${held.map((c) => `${c.file.path} by pid ${c.holders.held === true ? c.holders.pids : '?'}`).join(', ')}): removing it would free nothing until cinder-volume lets go, and may break a conversion in progress`,
            next: `wait for the volume creation to finish or fail, or restart cinder-volume on ${node}, then /cluster free-disk ${node} again`,
          };
        },
      },
      ...acts,
      {
        kind: 'verify',
        description: `free space on ${before?.mountpoint ?? '/'} grew by about ${bytes(freed)}`,
        deadlineMs: 60_000,
        intervalMs: 2_000,
        async poll(r): Promise<StepVerdict> {
          const now = await readProbe(r, node, diskUsage);
          if (!now.ok) return { ok: false, detail: now.problem };
          const m = rootOf(now.value.mounts, conversionDir);
          if (!m) return { ok: false, detail: `no mount holds ${conversionDir}` };
          const gained = m.availBytes - (before?.availBytes ?? 0);
          const detail = `${mountLine(m)} (gained ${bytes(Math.max(gained, 0))})`;
          return gained >= freed * 0.9 ? { ok: true, detail } : { ok: false, detail };
        },
        onFailure: `the files are gone but the space is not back: a process may still hold them (\`lsof +L1\` on ${node}); restart that process`,
      },
    ],
    async stateNow(r) {
      const now = await readProbe(r, node, diskUsage);
      return now.ok ? mountLine(rootOf(now.value.mounts, conversionDir)) : now.problem;
    },
  };
}
