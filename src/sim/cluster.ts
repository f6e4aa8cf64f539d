/** Starts a simulated OpenStack cluster: one SSH server per node, plus the files to reach them. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import { withCachedKeyObjects } from '../ssh/pool.js';
import type { SimClock } from './clock.js';
import { createClusterState } from './create.js';
import { inventoryValue, inventoryYaml, knownHostsText, type ServedNode } from './inventory-file.js';
import type { ScenarioName } from './scenarios/types.js';
import { generateEd25519, parseOne, publicKeyLine } from './server/keys.js';
import { NodeServer, type CommandLogEntry } from './server/node-server.js';
import type { ClusterState, InitSystem } from './state/types.js';
import { makeSimDir } from './temp-dirs.js';

/** Options of `startSimCluster`. */
export interface SimClusterOptions {
  readonly scenario: ScenarioName;
  readonly controllers?: number;
  readonly computes?: number;
  /** Where the key, known_hosts and inventory are written (a new temp dir by default). */
  readonly dir?: string;
  /** Node i listens on basePort + i; random free ports when absent. */
  readonly basePort?: number;
  /** Delay before every answer of every node. */
  readonly latencyMs?: number;
  /** Extra delay per node name (`{ 'node-19': 10000 }`), for timeout tests. */
  readonly slowNodes?: Readonly<Record<string, number>>;
  /** One host key for all nodes (cheaper for very large clusters); one per node by default. */
  readonly shareHostKey?: boolean;
  /** Simulated clock; defaults to the scenario's start time moving with real time. */
  readonly clock?: SimClock;
  readonly init?: InitSystem | Readonly<Record<string, InitSystem>>;
  /** seed-incident: cinder-volume still holds the conversion file open. */
  readonly holdConversionFile?: boolean;
}

/** A running simulated cluster. */
export interface SimCluster {
  readonly inventory: Inventory;
  readonly inventoryPath: string;
  readonly knownHostsPath: string;
  readonly clientKeyPath: string;
  readonly dir: string;
  /** The live state: tests may inspect it, and change it to stage situations. */
  readonly state: ClusterState;
  /** Every command each node received, in arrival order. */
  readonly commandLog: CommandLogEntry[];
  /** Port of a node by name. */
  portOf(name: string): number;
  /** Makes a node unreachable (listener closed, connections dropped) or reachable again. */
  setNodeDown(name: string, down: boolean): Promise<void>;
  /** Changes a node's answer delay at run time. */
  setNodeDelay(name: string, ms: number): void;
  /**
   * Holds the commands `name` receives that match `pattern` until `release()`: a test stages a
   * run caught in the middle of a step without racing a timer. `arrived` resolves when the first
   * matching command is held.
   */
  holdCommands(name: string, pattern: RegExp): CommandHold;
  stop(): Promise<void>;
}

/** Commands held on a node (see `SimCluster.holdCommands`). */
export interface CommandHold {
  readonly arrived: Promise<void>;
  release(): void;
}

interface ActiveHold {
  readonly pattern: RegExp;
  readonly released: Promise<void>;
  readonly arrive: () => void;
}

/** Starts the simulated cluster of `opts.scenario` on 127.0.0.1. */
export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const dir = resolve(opts.dir ?? (await makeSimDir()));
  await mkdir(dir, { recursive: true });
  const state = createClusterState({
    scenario: opts.scenario,
    controllers: opts.controllers ?? 3,
    computes: opts.computes ?? 3,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.init ? { init: opts.init } : {}),
    holdConversionFile: opts.holdConversionFile ?? false,
  });
  const client = generateEd25519('stackmedic-sim-operator');
  const clientKeyPath = join(dir, 'id_ed25519');
  await writeFile(clientKeyPath, client.privateKey, { mode: 0o600 });
  await writeFile(`${clientKeyPath}.pub`, `${client.publicKey}\n`);
  const clientKey = withCachedKeyObjects(parseOne(client.publicKey));
  const commandLog: CommandLogEntry[] = [];
  const delays = new Map<string, number>(Object.entries(opts.slowNodes ?? {}));
  const holds = new Map<string, ActiveHold[]>();
  const gateOf =
    (name: string) =>
    async (command: string): Promise<void> => {
      for (const h of holds.get(name) ?? []) {
        if (!h.pattern.test(command)) continue;
        h.arrive();
        await h.released;
      }
    };
  const shared = opts.shareHostKey ? generateEd25519('sim-host') : undefined;
  const servers = new Map<string, NodeServer>();
  const served: ServedNode[] = [];
  const nodes = [...state.nodes.values()];
  try {
    for (const [i, node] of nodes.entries()) {
      const hostKey = shared ?? generateEd25519(`root@${node.name}`);
      const server = new NodeServer({
        cluster: state,
        node,
        hostKey: hostKey.privateKey,
        clientKey,
        delayMs: () => (opts.latencyMs ?? 0) + (delays.get(node.name) ?? 0),
        gate: gateOf(node.name),
        onCommand: (e) => commandLog.push(e),
      });
      const port = await server.listen(opts.basePort === undefined ? 0 : opts.basePort + i);
      servers.set(node.name, server);
      served.push({ name: node.name, port, roles: node.roles, hostKeyLine: publicKeyLine(parseOne(hostKey.publicKey)) });
    }
  } catch (e) {
    await Promise.all([...servers.values()].map((s) => s.close()));
    throw e;
  }
  const kolla = nodes.some((n) => n.deployment === 'kolla-ansible');
  const tripleo = nodes.some((n) => n.deployment === 'tripleo');
  const knownHostsPath = join(dir, 'known_hosts');
  const inventoryPath = join(dir, 'inventory.yml');
  await writeFile(knownHostsPath, knownHostsText(served));
  await writeFile(inventoryPath, inventoryYaml({ cluster: state.name, knownHostsPath, clientKeyPath, nodes: served, kolla, tripleo }));
  const serverOf = (name: string): NodeServer => {
    const s = servers.get(name);
    if (!s) throw new Error(`no simulated node named ${name}`);
    return s;
  };
  return {
    inventory: inventoryValue({ cluster: state.name, knownHostsPath, clientKeyPath, inventoryPath, nodes: served, kolla, tripleo }),
    inventoryPath,
    knownHostsPath,
    clientKeyPath,
    dir,
    state,
    commandLog,
    portOf: (name) => serverOf(name).port,
    setNodeDown: async (name, down) => {
      const s = serverOf(name);
      if (down && s.listening) await s.close();
      else if (!down && !s.listening) await s.listen(s.port);
    },
    setNodeDelay: (name, ms) => {
      serverOf(name);
      delays.set(name, ms);
    },
    holdCommands: (name, pattern) => {
      serverOf(name);
      let arrive = (): void => undefined;
      let release = (): void => undefined;
      const arrived = new Promise<void>((r) => (arrive = r));
      const released = new Promise<void>((r) => (release = r));
      const hold: ActiveHold = { pattern, released, arrive: () => arrive() };
      holds.set(name, [...(holds.get(name) ?? []), hold]);
      return {
        arrived,
        release: () => {
          holds.set(
            name,
            (holds.get(name) ?? []).filter((h) => h !== hold),
          );
          release();
        },
      };
    },
    stop: async () => {
      await Promise.all([...servers.values()].map((s) => s.close()));
      // A directory the simulator made for itself goes with it; one it was given stays.
      if (opts.dir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
