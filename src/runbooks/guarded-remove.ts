/**
 * Removing a file whose name a node reported: the name is data, not a path to trust. The checks run
 * on the node in the same command as the `rm`, so nothing can change between the check and the act
 * except within that one shell: the name resolves to itself (`realpath -e`: no symlink and no `..`
 * on the way), lies inside the allowed directory, is still the regular file that was planned (same
 * device and inode), that device is the allowed directory's, and no process holds it open (fuser,
 * or lsof where psmisc is missing: the plan refused already when neither runs).
 */
import { sh, type ShellScript } from '../ssh/shell.js';

/** A file planned for removal, as it was listed. */
export interface PlannedRemoval {
  /** The directory the runbook may clean (canonical, no trailing `/`). */
  readonly dir: string;
  /** The file's name as listed (already checked to be plainly under `dir`). */
  readonly path: string;
  readonly device: string;
  readonly inode: string;
}

/** Exit codes of the guarded removal, each a distinct reason to refuse. */
export const REMOVAL_REFUSED = {
  /** The name resolves elsewhere (a symlink on the way, `..`) or is gone. */
  resolvesElsewhere: 4,
  /** Not the regular file that was planned (replaced, or not a regular file). */
  notPlannedFile: 5,
  /** The file is not on the allowed directory's filesystem. */
  otherFilesystem: 6,
  /** A process holds it open now. */
  heldOpen: 3,
} as const;

/** Why the node refused, from the guarded removal's exit code. */
export function refusalReason(exitCode: number | null): string | undefined {
  switch (exitCode) {
    case REMOVAL_REFUSED.resolvesElsewhere:
      return 'its name resolves to another place (a symlink or `..` on the way) or it is gone';
    case REMOVAL_REFUSED.notPlannedFile:
      return 'it is no longer the regular file that was planned (replaced since the plan)';
    case REMOVAL_REFUSED.otherFilesystem:
      return 'it is not on the filesystem of the directory stackmedic may clean';
    case REMOVAL_REFUSED.heldOpen:
      return 'a process holds it open now';
    default:
      return undefined;
  }
}

/**
 * The one command that checks and removes. `grep -qxF` compares whole lines exactly; the planned
 * names carry no line break (free-disk refuses those before planning), so a line is the whole name.
 */
export function guardedRemoveScript(p: PlannedRemoval): ShellScript {
  if (!p.path.startsWith(`${p.dir}/`) || /[\n\r]/.test(p.path))
    throw new TypeError(`refusing to build a removal of ${JSON.stringify(p.path)} outside ${p.dir}`);
  const identity = `${p.device}:${p.inode}:regular file`;
  const says = (why: string): string => `stackmedic: ${p.path}: ${why}; not removed`;
  const r = REMOVAL_REFUSED;
  return sh`{ realpath -e -- ${p.path} 2>/dev/null | grep -qxF -e ${p.path}; } || { echo ${says('it resolves to another place (a symlink or .. on the way) or is gone')} >&2; exit ${r.resolvesElsewhere}; }; { stat -c '%d:%i:%F' -- ${p.path} 2>/dev/null | grep -qxF -e ${identity}; } || { echo ${says(`it is not the regular file planned (device:inode ${p.device}:${p.inode})`)} >&2; exit ${r.notPlannedFile}; }; { stat -c %d -- ${p.dir} 2>/dev/null | grep -qxF -e ${p.device}; } || { echo ${says(`it is not on the filesystem of ${p.dir}`)} >&2; exit ${r.otherFilesystem}; }; if fuser -s ${p.path} >/dev/null 2>&1 || lsof -t -- ${p.path} >/dev/null 2>&1; then echo ${says('it is held open now')} >&2; exit ${r.heldOpen}; fi; rm -f -- ${p.path}`;
}
