import type { SimClock } from '../clock.js';
import type { VirtualFs } from './vfs.js';

/** Roles a simulated node can hold (`undercloud`: TripleO's director node, no cluster role). */
export type SimRole = 'controller' | 'compute' | 'undercloud';

/** How a node's services are deployed: packages (the seed), kolla-ansible's containers, or TripleO's (podman, pacemaker bundles). */
export type SimDeployment = 'classic' | 'kolla-ansible' | 'tripleo';

/** How services are managed on a node: the seed's Ubuntu 14.04 nodes were SysV/upstart. */
export type InitSystem = 'systemd' | 'sysv';

/** A daemon on a node. */
export interface ServiceState {
  running: boolean;
  pid: number;
  /** Sim time of the last start or stop. */
  since: number;
}

/** A failed pacemaker operation, as `crm_mon` lists it under failures. */
export interface PacemakerFailure {
  readonly resource: string;
  readonly task: 'start' | 'monitor' | 'stop';
  readonly exitstatus: string;
  readonly exitreason: string;
  readonly exitcode: number;
  readonly call: number;
  readonly at: number;
}

/** RabbitMQ as one node sees it. */
export interface RabbitNodeState {
  /** The `rabbit` application (stop_app/start_app); the Erlang VM is the `rabbitmq-server` service. */
  appRunning: boolean;
  /** Cluster members this node believes in, itself included (node names, not `rabbit@...`). */
  members: string[];
  alarms: Set<'disk' | 'memory'>;
  /** disk_free_limit in bytes (the seed's was 5 MB). */
  diskFreeLimit: number;
}

/** One simulated node. */
export interface SimNode {
  readonly name: string;
  readonly roles: readonly SimRole[];
  /** Management address other services use (192.168.0.x in the seed). */
  readonly ip: string;
  readonly init: InitSystem;
  /** Classic packages, or kolla containers (`docker` answers, pacemaker is absent); scenarios set it. */
  deployment: SimDeployment;
  readonly fs: VirtualFs;
  readonly disk: { readonly device: string; readonly size: number; baseUsed: number };
  readonly services: Map<string, ServiceState>;
  readonly rabbit: RabbitNodeState;
  /** nova-compute reached libvirt when it last started (it does not retry in our model). */
  novaLibvirtConnected: boolean;
  /** Paths cinder-volume holds open (an image download in progress). */
  readonly cinderOpenFiles: Set<string>;
  readonly pacemakerFailures: PacemakerFailure[];
  /** Sim time the node booted, for `uptime` and `/proc/uptime`. */
  bootedAt: number;
  /** TripleO's OVN databases: this backup lost its replication connection to the active server (a scenario sets it). */
  ovnReplicationLost?: boolean;
  /**
   * The release's own name of a daemon's container where it differs from the default (ceph-ansible's
   * `ceph-mon-<host>` on OSP 16, OSP 17's `nova_virtqemud` for libvirt), by daemon of the model.
   */
  containerNames?: ReadonlyMap<string, string>;
  /** The process a daemon of the model runs as, where the release renames it (OSP 17: libvirtd is virtqemud). */
  processNames?: ReadonlyMap<string, string>;
}

/** The whole simulated cluster: the single source of truth the emulated tools read and change. */
export interface ClusterState {
  readonly name: string;
  readonly clock: SimClock;
  readonly nodes: Map<string, SimNode>;
  readonly controllers: readonly SimNode[];
  readonly computes: readonly SimNode[];
  /** Controllers whose RabbitMQ cannot see each other (the `partition` scenario). */
  readonly rabbitPartition: Set<string>;
  /** Sim time AMQP last became unreachable, for `Updated At` of down services; undefined if healthy. */
  amqpDownSince: number | undefined;
  /** Last CIB change, for crm_mon's summary. */
  pacemakerLastChange: { at: number; client: string; origin: string };
  /** Resources an operator stopped (`crm resource stop`): pacemaker leaves them stopped. */
  readonly disabledResources: Set<string>;
  /** Monotonic counters for pids and pacemaker call ids. */
  counters: { pid: number; call: number };
}
