import type { Role } from '../probes/types.js';

/** How to reach a node over SSH. */
export interface SshTarget {
  /** Address or host name the SSH client connects to. */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Private key file; when absent the SSH agent (`SSH_AUTH_SOCK`) is used. */
  readonly privateKeyPath?: string | undefined;
}

/** One cluster node, as the inventory declares it. */
export interface NodeSpec extends SshTarget {
  /** Inventory name (`node-10`): the only node names commands accept. */
  readonly name: string;
  readonly roles: readonly Role[];
  /** Name of another inventory node (or a bastion declared in `jumpHosts`) to tunnel through. */
  readonly jump?: string | undefined;
  /** Privileged commands go through `sudo -n` (true when `user` is not root, or Ansible's `become`). */
  readonly become: boolean;
}

/** A jump host that is not itself a cluster node. */
export interface JumpHostSpec extends SshTarget {
  readonly name: string;
  readonly jump?: string | undefined;
}

/** The whole inventory: the cluster's nodes and how to trust and reach them. */
export interface Inventory {
  /** Cluster name, shown in replies. */
  readonly cluster: string;
  /** known_hosts file every host key is verified against. */
  readonly knownHostsPath: string;
  /** OpenStack credentials file sourced before `openstack` CLI commands (e.g. `/root/openrc`). */
  readonly openrcPath?: string | undefined;
  readonly nodes: readonly NodeSpec[];
  readonly jumpHosts: readonly JumpHostSpec[];
  /** The file it was read from, for messages. */
  readonly source: string;
}
