import type { Deployment } from '../deployment/types.js';
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
  /**
   * `local` (Ansible's `ansible_connection=local`): commands run on stackmedic's own host, not over
   * SSH; absent means `ssh`.
   */
  readonly connection?: NodeConnection | undefined;
  /** The Ansible groups the node is in (parents included), for messages; absent for stackmedic YAML. */
  readonly groups?: readonly string[] | undefined;
  /** How the node's services are deployed, when the inventory says (`deployment: kolla`); detected on the node otherwise. */
  readonly deployment?: Deployment | undefined;
}

/** How stackmedic reaches a node. */
export type NodeConnection = 'ssh' | 'local';

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
  /**
   * Where the overcloud's `openstack` CLI runs, with its own rc file (TripleO's undercloud); absent:
   * on a controller, with `openrcPath`.
   */
  readonly openstackCli?: OpenstackCliHost | undefined;
  /** The whole cluster's deployment, when the inventory says; a node's own wins. */
  readonly deployment?: Deployment | undefined;
  /** One line each about what the loader ignored or read differently (vaulted values, containers). */
  readonly notes?: readonly string[] | undefined;
  /** Cron expression of this cluster's scheduled check, when the inventory gives one (STACKMEDIC_SCHEDULE otherwise). */
  readonly schedule?: string | undefined;
  /** This cluster's Alertmanager (`alertmanager_url:`), for silences; STACKMEDIC_ALERTMANAGER_URL's `CLUSTER=URL` wins over it. */
  readonly alertmanagerUrl?: string | undefined;
}

/** The host the cluster's OpenStack API is read from (`openstack ...` probes and runbook reads). */
export interface OpenstackCliHost {
  /** An inventory node (`undercloud`). */
  readonly node: string;
  /** The credentials file sourced there, an absolute path on that node (`/home/stack/overcloudrc`). */
  readonly rcPath: string;
  /** What named it, for messages: "TripleO's Undercloud group", "openstack_cli in the inventory". */
  readonly from: string;
}

/** Every cluster one inventory (a file with `clusters:`, or a directory of inventories) holds. */
export interface ClusterSet {
  /** In the order the inventory lists them; names are unique. One entry for a one-cluster inventory. */
  readonly clusters: readonly Inventory[];
  /** The file or directory they were read from, for messages. */
  readonly source: string;
}

/** Options that the inventory file itself may not carry (Ansible inventories have no known_hosts). */
export interface InventoryDefaults {
  /** known_hosts to use when the file names none; `~/.ssh/known_hosts` otherwise. */
  readonly knownHostsPath?: string | undefined;
  readonly openrcPath?: string | undefined;
}
