/**
 * Which programs a node must have, derived from the commands of the probes that run on its
 * roles, and the one remote command that looks them all up.
 */
import { allProbes, type Probe } from '../probes/index.js';
import { remote, sh, ShellScript, type RemoteCommand } from '../ssh/shell.js';
import { serviceContainer } from '../deployment/acts.js';
import type { NodeDeployment } from '../deployment/probe.js';
import { programsOf } from './programs.js';

/** A program (or one of several doing the same job) that something run on the node needs. */
export interface ToolNeed {
  /** Any one of these on the PATH will do (usually just one). */
  readonly anyOf: readonly string[];
  /** Probe ids or commands that run it, for the message. */
  readonly neededBy: readonly string[];
  /** Looked up in root's PATH (through `sudo -n` for non-root users), where the commands run. */
  readonly privileged: boolean;
  /** Every needer runs once per cluster, on the first controller that answers: one node having it is enough. */
  readonly clusterScope: boolean;
}

/**
 * Tools of runbooks, which are not probes: `/cluster free-disk` asks `fuser`, then `lsof`, whether
 * a file is held open, and refuses to delete anything when neither can be run.
 */
const RUNBOOK_NEEDS: readonly (ToolNeed & { readonly roles: readonly string[] })[] = [
  { anyOf: ['fuser', 'lsof'], neededBy: ['/cluster free-disk'], privileged: true, clusterScope: false, roles: ['controller', 'compute'] },
];

/**
 * Programs a probe runs one or the other of, as the node has them: ceph-status runs the host's
 * `ceph` or, on cephadm clusters (TripleO OSP 17), `cephadm shell -- ceph`.
 */
const ALTERNATIVES: readonly (readonly string[])[] = [['ceph', 'cephadm']];

/** A probe's programs with each set of alternatives it runs as one need. */
function needsOfScript(programs: readonly string[]): string[][] {
  const out: string[][] = [];
  const taken = new Set<string>();
  for (const alt of ALTERNATIVES) {
    if (alt.every((p) => programs.includes(p))) {
      out.push([...alt]);
      for (const p of alt) taken.add(p);
    }
  }
  for (const p of programs) if (!taken.has(p)) out.push([p]);
  return out;
}

/** What the doctor looks up on a node with `roles`: every probe of those roles, merged by program. */
export function toolNeeds(roles: readonly string[], probes: readonly Probe<unknown>[] = allProbes): ToolNeed[] {
  const needs = new Map<string, { anyOf: string[]; neededBy: string[]; privileged: boolean; clusterScope: boolean }>();
  const add = (anyOf: readonly string[], by: string, privileged: boolean, clusterScope: boolean): void => {
    const key = `${privileged ? 'root' : 'user'}:${anyOf.join('|')}`;
    const need = needs.get(key);
    if (!need) needs.set(key, { anyOf: [...anyOf], neededBy: [by], privileged, clusterScope });
    else {
      if (!need.neededBy.includes(by)) need.neededBy.push(by);
      need.clusterScope &&= clusterScope;
    }
  };
  for (const probe of probes) {
    if (!probe.roles.some((r) => roles.includes(r))) continue;
    for (const anyOf of needsOfScript(programsOf(probe.command.script.text))) add(anyOf, probe.id, probe.command.privileged, probe.scope === 'cluster');
  }
  for (const need of RUNBOOK_NEEDS) {
    if (!need.roles.some((r) => roles.includes(r))) continue;
    for (const by of need.neededBy) add(need.anyOf, by, need.privileged, need.clusterScope);
  }
  return [...needs.values()];
}

/** Whether a probe of these roles sources the openrc (the `openstack` CLI probes). */
export function needsOpenrc(roles: readonly string[], probes: readonly Probe<unknown>[] = allProbes): string[] {
  return probes.filter((p) => p.command.openrc && p.roles.some((r) => roles.includes(r))).map((p) => p.id);
}

/** The programs of `needs`, each once. */
function programsOfNeeds(needs: readonly ToolNeed[]): string[] {
  return [...new Set(needs.flatMap((n) => n.anyOf))];
}

/**
 * One command printing `have:NAME` or `missing:NAME` per program (and `openrc:readable` or
 * `openrc:missing`), run as the probes run: privileged or not.
 */
export function lookupCommand(needs: readonly ToolNeed[], privileged: boolean, openrcPath?: string): RemoteCommand {
  const parts = programsOfNeeds(needs).map((p) => sh`if command -v ${p} >/dev/null 2>&1; then echo ${`have:${p}`}; else echo ${`missing:${p}`}; fi`);
  if (openrcPath !== undefined) parts.push(sh`if test -r ${openrcPath}; then echo openrc:readable; else echo openrc:missing; fi`);
  return remote(ShellScript.join(parts, '; '), { privileged });
}

/** What the lookup found: per program present or not, and the openrc; undefined when the output is not the lookup's. */
export interface LookupResult {
  readonly programs: ReadonlyMap<string, boolean>;
  readonly openrc: boolean | undefined;
}

/** Reads the output of `lookupCommand`; anything else (a sudo prompt, an error) gives undefined. */
export function parseLookup(stdout: string, expected: readonly string[]): LookupResult | undefined {
  const programs = new Map<string, boolean>();
  let openrc: boolean | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^(have|missing):(\S+)$/.exec(line.trim());
    if (m) programs.set(m[2] ?? '', m[1] === 'have');
    const o = /^openrc:(readable|missing)$/.exec(line.trim());
    if (o) openrc = o[1] === 'readable';
  }
  return expected.every((p) => programs.has(p)) ? { programs, openrc } : undefined;
}

/** The Debian package that usually provides a program, for the fix line. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  crm_mon: 'pacemaker-cli-utils',
  rabbitmqctl: 'rabbitmq-server',
  mysql: 'mariadb-client',
  ceph: 'ceph-common',
  openstack: 'python3-openstackclient',
  pgrep: 'procps',
  fuser: 'psmisc',
  lsof: 'lsof',
  find: 'findutils',
  hostname: 'hostname',
  df: 'coreutils',
  du: 'coreutils',
  timeout: 'coreutils',
  sort: 'coreutils',
  head: 'coreutils',
  cat: 'coreutils',
};

/** "install mariadb-client (mysql), psmisc (fuser) or lsof" */
export function installHint(missing: readonly ToolNeed[]): string {
  const parts = missing.map((n) => n.anyOf.map((p) => (PACKAGE_OF[p] === undefined || PACKAGE_OF[p] === p ? p : `${PACKAGE_OF[p]} (${p})`)).join(' or '));
  return `install ${parts.join(', ')}`;
}

/**
 * Tools the probes run inside a service's container on kolla-ansible and TripleO nodes (the
 * container-aware scripts of src/deployment/container-script.ts), by kolla's container name; TripleO
 * runs them in the node's bundle replica (`rabbitmq-bundle-podman-N`).
 */
const CONTAINER_TOOLS: Readonly<Record<string, string>> = {
  rabbitmqctl: 'rabbitmq',
  'rabbitmq-diagnostics': 'rabbitmq',
  mysql: 'mariadb',
};

/** Where a containerised node runs `program`, when it does: a container the engine lists. */
export function toolContainer(d: NodeDeployment, program: string): string | undefined {
  if (d.deployment === 'classic' || d.engine === undefined) return undefined;
  // ceph-ansible's monitor (TripleO up to OSP 16) runs ceph in `ceph-mon-<host>`.
  if (program === 'ceph') return d.containers.find((c) => c.startsWith('ceph-mon-'));
  const service = CONTAINER_TOOLS[program];
  if (service === undefined) return undefined;
  const name = serviceContainer(d, service);
  return d.containers.includes(name) ? name : undefined;
}

/** One command printing `have:NAME` or `missing:NAME` for each program looked up in its container. */
export function containerLookupCommand(d: NodeDeployment, programs: ReadonlyMap<string, string>): RemoteCommand {
  const engine = d.engine ?? 'docker';
  const parts = [...programs].map(
    ([p, container]) =>
      sh`if ${ShellScript.raw(engine)} exec ${container} sh -c ${`command -v ${p}`} >/dev/null 2>&1; then echo ${`have:${p}`}; else echo ${`missing:${p}`}; fi`,
  );
  return remote(ShellScript.join(parts, '; '), { privileged: true });
}
