/** Node checks: reachable, host key known and matching, login, `sudo -n`, and the tools its probes need. */
import type { Inventory, NodeSpec } from '../inventory/types.js';
import type { Executor } from '../ssh/types.js';
import type { KnownHosts } from '../ssh/known-hosts.js';
import { knownHostsName } from '../ssh/known-hosts.js';
import { mapLimit } from '../ssh/pool.js';
import { remote, ShellScript } from '../ssh/shell.js';
import type { ExecFailure } from '../ssh/types.js';
import { allProbes } from '../probes/index.js';
import { keyscanCommand, scanHostKey, sha256Fingerprint, type HostKeyScan } from './host-key.js';
import { detectDeployment } from '../deployment/detect-node.js';
import { probesOnNode } from '../deployment/openstack-cli.js';
import { containerLookupCommand, installHint, lookupCommand, needsOpenrc, parseLookup, toolContainer, toolNeeds, type ToolNeed } from './tools.js';
import { checksOf, type Check } from './types.js';

const { pass, fail, warn } = checksOf('nodes');

/** What the node checks need. */
export interface NodeCheckOptions {
  readonly inventory: Inventory;
  /** undefined when the file could not be read: every key is then unknown. */
  readonly knownHosts: KnownHosts | undefined;
  /** Runs commands as the probes do (the SSH pool). */
  readonly executor: Executor;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

/** What one node's tool lookup found, before the cluster-wide view decides fail or warn. */
interface ToolFindings {
  readonly needs: readonly ToolNeed[];
  /** Program to present or not; programs whose lookup could not run are absent. */
  readonly found: ReadonlyMap<string, boolean>;
  /** Why some needs could not be looked up. */
  readonly notChecked: readonly { readonly needs: readonly ToolNeed[]; readonly why: string }[];
  /** Programs found inside a container rather than on the host (kolla-ansible, TripleO), and which. */
  readonly inContainers: ReadonlyMap<string, string>;
  /** undefined: no probe of the node sources the openrc. */
  readonly openrc:
    | {
        readonly path: string | undefined;
        readonly readable: boolean | undefined;
        readonly by: readonly string[];
        /** The inventory setting that names the file, for the fix (`openrc:` unless the node is the openstack CLI host). */
        readonly setting?: string;
      }
    | undefined;
}

interface NodeResult {
  readonly node: NodeSpec;
  readonly checks: Check[];
  readonly tools?: ToolFindings | undefined;
}

/** Runs the node checks on every node (`concurrency` at a time); the lines keep inventory order. */
export async function checkNodes(options: NodeCheckOptions): Promise<Check[]> {
  const results = await mapLimit(options.inventory.nodes, options.concurrency, (node) => checkNode(node, options));
  return results.flatMap((r) => [...r.checks, ...(r.tools ? [toolsCheck(r.node, r.tools, results)] : [])]);
}

async function checkNode(node: NodeSpec, o: NodeCheckOptions): Promise<NodeResult> {
  const checks: Check[] = [];
  if (!node.jump) {
    const types = o.knownHosts?.keyTypesFor(node.address, node.port) ?? [];
    const scan = await scanHostKey(node, types, o.timeoutMs);
    if (scan.kind === 'unreachable') {
      checks.push(
        fail(
          `${node.name} reachable`,
          `${scan.message}; login, sudo and tools not checked`,
          `start sshd on ${node.name}, or fix its address and port in ${o.inventory.source} (a firewall between here and the node?)`,
        ),
      );
      return { node, checks };
    }
    checks.push(pass(`${node.name} reachable`, `${node.address}:${node.port} answers SSH`));
    const key = hostKeyCheck(node, scan, o);
    checks.push(key);
    if (key.status !== 'pass') return { node, checks };
  }
  const login = await o.executor.exec(node.name, remote(ShellScript.raw('true')), { timeoutMs: o.timeoutMs });
  if (!login.ok) {
    checks.push(loginFailure(node, login, o.inventory));
    return { node, checks };
  }
  const via = node.jump ? ` via ${node.jump}` : '';
  checks.push(
    pass(
      `${node.name} login`,
      `as ${node.user}${via}${node.become ? ' (privileged commands through sudo -n)' : node.user === 'root' ? '' : ' (privileged commands run as this user: become is off)'}`,
    ),
  );
  let sudoWorks = !node.become;
  if (node.become) {
    const sudo = await o.executor.exec(node.name, remote(ShellScript.raw('sudo -n true')), { timeoutMs: o.timeoutMs });
    const c = sudoCheck(node, sudo);
    sudoWorks = c.status === 'pass';
    checks.push(c);
  } else if (node.user !== 'root') {
    const privileged = allProbes.filter((p) => p.command.privileged && p.roles.some((r) => node.roles.includes(r))).map((p) => p.id);
    if (privileged.length > 0) {
      checks.push(
        warn(
          `${node.name} privileges`,
          `${node.user} is not root and become is off: ${privileged.join(', ')} run without root and may be refused`,
          `log in as root, or set become: true (Ansible: ansible_become=true) and allow ${node.user} to run sudo -n`,
        ),
      );
    }
  }
  return { node, checks, tools: await lookUpTools(node, o, sudoWorks) };
}

function hostKeyCheck(node: NodeSpec, scan: Exclude<HostKeyScan, { kind: 'unreachable' }>, o: NodeCheckOptions): Check {
  const name = `${node.name} host key`;
  const file = o.inventory.knownHostsPath;
  const host = knownHostsName(node.address, node.port);
  if (scan.kind === 'no-common-type') {
    const known = o.knownHosts?.keyTypesFor(node.address, node.port) ?? [];
    return fail(
      name,
      `${host} offers none of the key types ${file} has for it (${known.join(', ')}): its host keys changed`,
      `find out why on the node's console; if it was reinstalled, compare its new key out of band and replace the line for ${host} in ${file}`,
    );
  }
  const fingerprint = sha256Fingerprint(scan.key);
  const shown = `${scan.keyType} ${fingerprint}`;
  const compare = `compare ${fingerprint} with \`ssh-keygen -lf /etc/ssh/ssh_host_${keyFileType(scan.keyType)}_key.pub\` on the node's console (out of band, never over this network)`;
  const keyscan = `${keyscanCommand(node, scan.keyType)} >> ${file}`;
  if (!o.knownHosts) {
    return fail(name, `${host} shows ${shown}; ${file} cannot be read, so nothing is trusted`, `${compare}, then add it:\n${keyscan}`);
  }
  const verdict = o.knownHosts.verify(node.address, node.port, scan.key);
  if (verdict.kind === 'trusted') return pass(name, `${shown} matches ${file}`);
  if (verdict.kind === 'unknown') {
    return fail(name, `${host} is not in ${file}; the node shows ${shown}. stackmedic never trusts a key on first use`, `${compare}, then add it:\n${keyscan}`);
  }
  if (verdict.kind === 'revoked')
    return fail(name, `${host} shows ${shown}, which ${file} marks @revoked`, `do not connect: find out why the node uses a revoked key`);
  return fail(
    name,
    `${host} shows ${shown}, but ${file} knows another ${verdict.expectedTypes.join(', ')} key for it: the host key CHANGED`,
    `treat it as an attack until the node's console says otherwise; if it was reinstalled, ${compare}, then replace the line:\nssh-keygen -R '${host}' -f ${file} && ${keyscan}`,
  );
}

/** The file name part OpenSSH gives a host key type (`/etc/ssh/ssh_host_ed25519_key.pub`). */
function keyFileType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  return 'rsa';
}

function loginFailure(node: NodeSpec, r: ExecFailure, inventory: Inventory): Check {
  if (r.kind === 'host-key') {
    // Only nodes behind a jump host get here: the others were key-checked directly above.
    return fail(
      `${node.name} host key`,
      r.message,
      `on ${node.jump ?? 'the jump host'}, run ${keyscanCommand(node, 'ssh-ed25519')}, compare its fingerprint (ssh-keygen -lf -) with the node's console out of band, then add the line to ${inventory.knownHostsPath}`,
    );
  }
  if (r.kind === 'auth') {
    return fail(
      `${node.name} login`,
      r.message,
      `authorize ${node.privateKeyPath ? `${node.privateKeyPath}.pub` : "the SSH agent's key"} for ${node.user} on ${node.name} (~${node.user}/.ssh/authorized_keys), or fix the user and private key in ${inventory.source}`,
    );
  }
  return fail(
    `${node.name} login`,
    r.message,
    node.jump ? `check that ${node.jump} is reachable and can reach ${node.address}:${node.port}` : `check sshd on ${node.name}`,
  );
}

function sudoCheck(node: NodeSpec, r: Awaited<ReturnType<Executor['exec']>>): Check {
  const name = `${node.name} sudo`;
  const fix = `allow ${node.user} to run commands as root without a password on ${node.name} (a NOPASSWD rule in /etc/sudoers.d/), or log in as root`;
  if (!r.ok) return fail(name, `sudo -n true could not run: ${r.message}`, fix);
  if (r.exitCode === 0) return pass(name, `sudo -n true works for ${node.user}`);
  const said = (r.stderr.trim() || r.stdout.trim()).split('\n').at(-1) ?? '';
  if (r.exitCode === 127)
    return fail(name, `sudo is not installed (sudo -n true: ${said || 'command not found'})`, `install sudo on ${node.name}; then ${fix}`);
  return fail(name, `sudo -n true fails for ${node.user} (exit ${r.exitCode ?? 'by signal'}${said ? `: ${said}` : ''})`, fix);
}

async function lookUpTools(node: NodeSpec, o: NodeCheckOptions, sudoWorks: boolean): Promise<ToolFindings> {
  // With an openstack CLI host (TripleO's undercloud) the API probes run there with its rc file, not on the controllers.
  const probes = probesOnNode(o.inventory, node, allProbes);
  const cliHost = o.inventory.openstackCli?.node === node.name ? o.inventory.openstackCli : undefined;
  const needs = toolNeeds(node.roles, probes);
  const openrcBy = needsOpenrc(node.roles, probes);
  const openrcPath = cliHost ? cliHost.rcPath : o.inventory.openrcPath;
  const found = new Map<string, boolean>();
  const notChecked: { needs: ToolNeed[]; why: string }[] = [];
  let openrcReadable: boolean | undefined;
  for (const privileged of [false, true]) {
    const group = needs.filter((n) => n.privileged === privileged);
    const withOpenrc = !privileged && openrcBy.length > 0 && openrcPath !== undefined;
    if (group.length === 0 && !withOpenrc) continue;
    if (privileged && !sudoWorks) {
      notChecked.push({ needs: group, why: 'they run as root and sudo -n fails' });
      continue;
    }
    const programs = [...new Set(group.flatMap((n) => n.anyOf))];
    const r = await o.executor.exec(node.name, lookupCommand(group, privileged, withOpenrc ? openrcPath : undefined), { timeoutMs: o.timeoutMs });
    const parsed = r.ok ? parseLookup(r.stdout, programs) : undefined;
    if (!parsed) {
      notChecked.push({ needs: group, why: r.ok ? `the lookup printed no answer (exit ${r.exitCode ?? 'by signal'})` : r.message });
      continue;
    }
    for (const [p, have] of parsed.programs) found.set(p, have);
    if (withOpenrc) openrcReadable = parsed.openrc;
  }
  const inContainers = sudoWorks ? await lookUpInContainers(node, o, found) : new Map<string, string>();
  return {
    needs,
    found,
    inContainers,
    notChecked,
    openrc:
      openrcBy.length > 0
        ? { path: openrcPath, readable: openrcReadable, by: openrcBy, ...(cliHost ? { setting: 'openstack_cli: (Ansible: stackmedic_overcloudrc)' } : {}) }
        : undefined,
  };
}

/**
 * On a kolla-ansible or TripleO node, the programs the host lacks that the probes run inside a
 * container (rabbitmqctl in `rabbitmq` or the node's `rabbitmq-bundle-podman-N`, mysql in Galera's,
 * ceph in ceph-ansible's monitor): looked up there, as the probes run them. Updates `found`.
 */
async function lookUpInContainers(node: NodeSpec, o: NodeCheckOptions, found: Map<string, boolean>): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  const missing = [...found].filter(([, have]) => !have).map(([p]) => p);
  if (missing.length === 0) return where;
  const dep = await detectDeployment({ executor: o.executor, inventory: o.inventory }, node.name);
  const wanted = new Map(
    missing.flatMap((p) => {
      const c = toolContainer(dep, p);
      return c === undefined ? [] : [[p, c] as const];
    }),
  );
  if (wanted.size === 0) return where;
  const r = await o.executor.exec(node.name, containerLookupCommand(dep, wanted), { timeoutMs: o.timeoutMs });
  const parsed = r.ok ? parseLookup(r.stdout, [...wanted.keys()]) : undefined;
  for (const [p, have] of parsed?.programs ?? []) {
    if (!have) continue;
    found.set(p, true);
    where.set(p, wanted.get(p) ?? '');
  }
  return where;
}

function has(t: ToolFindings, need: ToolNeed): boolean | undefined {
  const answers = need.anyOf.map((p) => t.found.get(p));
  if (answers.some((a) => a === true)) return true;
  return answers.every((a) => a === false) ? false : undefined;
}

function describeNeed(n: ToolNeed): string {
  return `${n.anyOf.join(' or ')} (${n.neededBy.join(', ')})`;
}

/**
 * The tools line of one node. A missing tool of a cluster-scope probe is only a warning when
 * another node has it (the probe runs on the first controller that answers).
 */
function toolsCheck(node: NodeSpec, t: ToolFindings, all: readonly NodeResult[]): Check {
  const name = `${node.name} tools`;
  const missing = t.needs.filter((n) => has(t, n) === false);
  const elsewhere = (n: ToolNeed): boolean =>
    n.clusterScope &&
    all.some(
      (r) => r.node !== node && r.tools && r.tools.needs.some((m) => m.anyOf.join('|') === n.anyOf.join('|') && has(r.tools as ToolFindings, m) === true),
    );
  const hard = missing.filter((n) => !elsewhere(n));
  const soft = missing.filter((n) => elsewhere(n));
  const problems: string[] = [];
  const fixes: string[] = [];
  if (hard.length) {
    problems.push(`missing ${hard.map(describeNeed).join(', ')}`);
    fixes.push(`${installHint(hard)} on ${node.name}`);
  }
  if (soft.length) problems.push(`missing ${soft.map(describeNeed).join(', ')}, which another node runs for the cluster`);
  let openrcBad = false;
  if (t.openrc) {
    if (t.openrc.path === undefined) {
      openrcBad = true;
      problems.push(`no openrc configured, so ${t.openrc.by.join(', ')} run without OpenStack credentials`);
      fixes.push('set openrc: in the inventory (Ansible: stackmedic_openrc) or STACKMEDIC_OPENRC to the credentials file on the controllers');
    } else if (t.openrc.readable === false) {
      openrcBad = true;
      problems.push(`openrc ${t.openrc.path} is not readable by ${node.user} (${t.openrc.by.join(', ')})`);
      fixes.push(
        `put the OpenStack credentials at ${t.openrc.path} on ${node.name}, readable by ${node.user}, or fix ${t.openrc.setting ?? 'openrc:'} in the inventory`,
      );
    }
  }
  for (const nc of t.notChecked) if (nc.needs.length) problems.push(`not checked: ${nc.needs.map((n) => n.anyOf.join(' or ')).join(', ')} (${nc.why})`);
  if (hard.length || openrcBad) return fail(name, problems.join('; '), fixes.join('; '));
  if (problems.length)
    return warn(
      name,
      problems.join('; '),
      soft.length ? `${installHint(soft)} on ${node.name} too, so that the cluster is still read when the other node is down` : undefined,
    );
  const programs = [...new Set(t.needs.map((n) => n.anyOf.map((p) => (t.inContainers.has(p) ? `${p} (in ${t.inContainers.get(p) ?? ''})` : p)).join('|')))];
  const openrc = t.openrc?.path ? `; openrc ${t.openrc.path} readable` : '';
  return pass(name, `${programs.length ? programs.join(', ') : 'none needed'}${openrc}`);
}
