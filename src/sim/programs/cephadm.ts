/**
 * `cephadm` on the simulated OSP 17 controllers, where cephadm deployed Ceph and the host has no
 * `ceph` of its own: `cephadm shell -- CMD...` runs CMD in a container of the cluster's image with
 * the local monitor's config, after the lines cephadm's logger writes on stderr (their shape as
 * test/fixtures/deployment/tripleo/ceph/ shows: the fsid and config it inferred, the image it uses).
 */
import { shellQuote } from '../../ssh/shell.js';
import { fail, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

/** Where cephadm is installed; a node with it was deployed by cephadm (TripleO OSP 17). */
export const CEPHADM_PATH = '/usr/sbin/cephadm';
/** The simulated cluster's fsid, as `ceph -s` reports it. */
const FSID = '05761444-f55c-42ca-a0b0-97145898c3bc';
/** The image cephadm says it uses (the undercloud's registry serves it on TripleO). */
const IMAGE = 'undercloud-0.ctlplane.localdomain:8787/rh-osbs/rhceph:5-446';

/** The container cephadm runs a monitor in (`ceph-<fsid>-mon-<host>`, systemd's `ceph-<fsid>@mon.<host>`). */
export function cephadmMonContainer(host: string): string {
  return `ceph-${FSID}-mon-${host}`;
}

async function cephadm(ctx: ProgramContext): Promise<ProgramResult> {
  const [verb, ...rest] = ctx.args;
  if (verb !== 'shell') return fail(`usage: cephadm [-h] ... {shell,ls,logs,...}\ncephadm: error: argument command: invalid choice: '${verb ?? ''}'`, 2);
  const dashes = rest.indexOf('--');
  const argv = dashes < 0 ? rest.filter((a) => !a.startsWith('-')) : rest.slice(dashes + 1);
  const banner = [
    `Inferring fsid ${FSID}`,
    `Inferring config /var/lib/ceph/${FSID}/mon.${ctx.node.name}/config`,
    `Using ceph image with id '72d512a15e58' and tag '5-446' created on 2023-07-07 03:19:28 +0000 UTC`,
    IMAGE,
  ].join('\n');
  if (argv.length === 0) return fail(`${banner}\nan interactive shell needs a terminal`, 1);
  // The shell's container sees the cluster through the monitor's config: the CLI answers as on any monitor host.
  const r = await ctx.runScript(argv.map(shellQuote).join(' '), ctx.stdin, new Map([['container', 'podman']]));
  return { ...r, stderr: `${banner}\n${r.stderr}` };
}

/** cephadm, on the controllers of nodes it deployed. */
export const cephadmPrograms: Record<string, ProgramDef> = {
  cephadm: { roles: ['controller'], installedOn: (n) => n.fs.exists(CEPHADM_PATH), run: cephadm },
};
