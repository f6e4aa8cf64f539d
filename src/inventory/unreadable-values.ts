/**
 * Values stackmedic cannot use as they are: vaulted (`!vault |`) and Jinja-templated ones. They
 * are left out, and the operator gets one line saying which, where, and what that changes.
 */
import { VAULTED, type VaultedVariable } from './ansible.js';

/** Why a value was left out. */
export type UnreadableWhy = 'vault' | 'template';

/** A variable stackmedic reads whose value, for one host, it could not use. */
export interface LostValue {
  readonly host: string;
  readonly variable: string;
  readonly why: UnreadableWhy;
  /** The template text (for `template`), to show what was there. */
  readonly text?: string;
}

/** Why a value cannot be used, or undefined when it can. */
export function unreadable(value: string): UnreadableWhy | undefined {
  if (value === VAULTED) return 'vault';
  if (value.includes('{{') || value.includes('{%')) return 'template';
  return undefined;
}

/** What each variable stackmedic reads falls back to, said about the hosts that lost it. */
const FALLBACK: Readonly<Record<string, (hosts: string) => string>> = {
  ansible_host: (h) => `${h} reached by inventory name`,
  ansible_ssh_host: (h) => `${h} reached by inventory name`,
  ansible_user: (h) => `${h} logging in as root`,
  ansible_ssh_user: (h) => `${h} logging in as root`,
  ansible_port: (h) => `${h} on port 22`,
  ansible_ssh_port: (h) => `${h} on port 22`,
  ansible_ssh_private_key_file: (h) => `${h} using the SSH agent's keys`,
  ansible_private_key_file: (h) => `${h} using the SSH agent's keys`,
  ansible_become: (h) => `${h} using sudo only when the user is not root`,
  ansible_ssh_common_args: (h) => `${h} reached without a jump host`,
  ansible_ssh_extra_args: (h) => `${h} reached without a jump host`,
  ansible_connection: (h) => `${h} reached over SSH`,
  stackmedic_roles: (h) => `${h} taking roles from group names`,
  stackmedic_known_hosts: () => 'the default known_hosts file',
  stackmedic_openrc: () => 'no openrc unless STACKMEDIC_OPENRC names one',
  stackmedic_cluster: () => 'the cluster named "openstack"',
};

/** Variables that only carry passwords, which stackmedic never uses. */
const PASSWORDS = new Set(['ansible_password', 'ansible_ssh_pass', 'ansible_become_pass', 'ansible_become_password', 'ansible_sudo_pass']);

function list(items: readonly string[], max = 4): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  const text = rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
  return text;
}

function consequences(lost: readonly LostValue[]): string[] {
  const byVariable = new Map<string, string[]>();
  for (const l of lost) byVariable.set(l.variable, [...(byVariable.get(l.variable) ?? []), l.host]);
  const order = Object.keys(FALLBACK);
  const rank = (v: string): number => (order.includes(v) ? order.indexOf(v) : order.length);
  return [...byVariable]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([variable, hosts]) => `without ${variable}: ${FALLBACK[variable]?.(list(hosts)) ?? list(hosts)}`);
}

/**
 * The one line about vaulted values, or undefined when there were none: which variables, where
 * they were set, and what losing the ones stackmedic reads means for which hosts.
 */
export function vaultNote(file: string, vaulted: readonly VaultedVariable[], lost: readonly LostValue[]): string | undefined {
  if (vaulted.length === 0) return undefined;
  const byScope = new Map<string, string[]>();
  for (const v of vaulted) byScope.set(v.scope, [...new Set([...(byScope.get(v.scope) ?? []), v.variable])]);
  const where = [...byScope].map(([scope, vars]) => `${list(vars)} (${scope})`);
  const parts = [`${file}: stackmedic does not decrypt Ansible Vault; it ignored ${list(where, 6)}`];
  const mine = lost.filter((l) => l.why === 'vault');
  parts.push(...consequences(mine));
  if (vaulted.some((v) => PASSWORDS.has(v.variable))) {
    parts.push('stackmedic uses no passwords (SSH keys or the agent, and sudo -n), so users that are not root need passwordless sudo');
  }
  const unused = vaulted.filter((v) => !PASSWORDS.has(v.variable) && !(v.variable in FALLBACK));
  if (unused.length > 0 && unused.length === vaulted.length) parts.push('stackmedic does not use these variables');
  else if (unused.length > 0) parts.push('the others stackmedic does not use');
  return parts.join('; ');
}

/** The one line about Jinja-templated values stackmedic reads, or undefined when none. */
export function templateNote(file: string, lost: readonly LostValue[]): string | undefined {
  const mine = lost.filter((l) => l.why === 'template');
  if (mine.length === 0) return undefined;
  const sample = mine[0];
  const shown = sample?.text ? ` (e.g. ${sample.variable}: "${sample.text.slice(0, 60)}")` : '';
  return [`${file}: stackmedic does not evaluate Jinja templates${shown}`, ...consequences(mine)].join('; ');
}
