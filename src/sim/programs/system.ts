/** Host facts: hostname, uptime, date, pgrep, cat of /proc is handled by the file system. */
import { processNameOf } from '../state/topology.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

function uptime(ctx: ProgramContext): ProgramResult {
  const now = ctx.cluster.clock.now();
  const d = new Date(now);
  const up = Math.floor((now - ctx.node.bootedAt) / 60_000);
  const days = Math.floor(up / 1440);
  const hh = Math.floor((up % 1440) / 60);
  const mm = up % 60;
  const clock = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')}`;
  const span =
    days > 0
      ? `${days} day${days === 1 ? '' : 's'}, ${String(hh).padStart(2)}:${String(mm).padStart(2, '0')}`
      : hh > 0
        ? `${String(hh).padStart(2)}:${String(mm).padStart(2, '0')}`
        : `${mm} min`;
  return result(` ${clock} up ${span},  1 user,  load average: 0.52, 0.58, 0.59\n`);
}

function pgrep(ctx: ProgramContext): ProgramResult {
  const exact = ctx.args.includes('-x');
  const pattern = ctx.args.filter((a) => !a.startsWith('-')).pop();
  if (pattern === undefined) return fail("pgrep: no matching criteria specified\nTry `pgrep --help' for more information.", 2);
  const pids: number[] = [];
  for (const [svc, s] of ctx.node.services) {
    if (!s.running) continue;
    const name = (ctx.node.processNames?.get(svc) ?? processNameOf(svc)).slice(0, 15);
    if (exact ? name === pattern : new RegExp(pattern).test(name)) pids.push(s.pid);
  }
  return result(
    pids
      .sort((a, b) => a - b)
      .map((p) => `${p}\n`)
      .join(''),
    '',
    pids.length > 0 ? 0 : 1,
  );
}

function date(ctx: ProgramContext): ProgramResult {
  const now = ctx.cluster.clock.now();
  const fmt = ctx.args.find((a) => a.startsWith('+'));
  if (fmt === '+%s') return result(`${Math.floor(now / 1000)}\n`);
  return result(`${new Date(now).toUTCString().replace('GMT', 'UTC')}\n`);
}

/** Host fact programs. */
export const systemPrograms: Record<string, ProgramDef> = {
  hostname: { run: (ctx) => result(`${ctx.node.name}\n`) },
  uptime: { run: uptime },
  pgrep: { run: pgrep },
  date: { run: date },
  whoami: { run: () => result('root\n') },
};
