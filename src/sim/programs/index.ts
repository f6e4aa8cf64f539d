/** The program table: what is installed on which node. */
import type { ProgramLookup } from '../shell/interpreter.js';
import type { ProgramContext, ProgramDef } from '../shell/types.js';
import type { SimNode } from '../state/types.js';
import { builtinPrograms } from './builtins.js';
import { cephPrograms } from './ceph.js';
import { cephadmPrograms } from './cephadm.js';
import { diskPrograms } from './disk.js';
import { grepPrograms } from './grep.js';
import { gzipPrograms } from './gzip.js';
import { mysqlPrograms } from './mysql.js';
import { openstackPrograms } from './openstack.js';
import { packagePrograms } from './packages.js';
import { ovnPrograms } from './ovn.js';
import { containerPrograms } from './containers.js';
import { pacemakerPrograms } from './pacemaker.js';
import { rabbitPrograms } from './rabbit.js';
import { servicePrograms } from './services.js';
import { systemPrograms } from './system.js';
import { textPrograms } from './text.js';

function installedOn(def: ProgramDef, node: SimNode, env: ReadonlyMap<string, string> | undefined): boolean {
  if (def.roles && !def.roles.some((r) => node.roles.includes(r))) return false;
  if (def.deployments && !def.deployments.includes(node.deployment)) return false;
  if (def.containerOnlyOn?.includes(node.deployment) && env?.get('container') === undefined) return false;
  if (def.installedOn && !def.installedOn(node, env)) return false;
  return def.init === undefined || def.init === node.init;
}

const table = new Map<string, ProgramDef>();

/** Finds `name` if it is installed on `node`. */
export const lookupProgram: ProgramLookup = (name, node, env) => {
  const def = table.get(name);
  return def && installedOn(def, node, env) ? def : undefined;
};

const families: Record<string, ProgramDef>[] = [
  builtinPrograms((name: string, ctx: ProgramContext) => lookupProgram(name, ctx.node, ctx.env) !== undefined),
  textPrograms,
  grepPrograms,
  gzipPrograms,
  diskPrograms,
  systemPrograms,
  servicePrograms,
  // kolla-ansible installs no pacemaker: its tools are absent from kolla nodes. TripleO runs
  // pacemaker on the host with RHEL's pcs, and no crmsh.
  Object.fromEntries(
    Object.entries(pacemakerPrograms).map(([name, def]) => [
      name,
      { ...def, deployments: name === 'crm' ? (['classic'] as const) : (['classic', 'tripleo'] as const) },
    ]),
  ),
  containerPrograms,
  rabbitPrograms,
  mysqlPrograms,
  cephPrograms,
  cephadmPrograms,
  openstackPrograms,
  packagePrograms,
  ovnPrograms,
];
for (const family of families) for (const [name, def] of Object.entries(family)) table.set(name, def);

/** Names of every emulated program, for documentation and tests. */
export function programNames(): string[] {
  return [...table.keys()].sort();
}
