/**
 * The router in front of several clusters: it picks the cluster a command runs on (`--cluster
 * NAME`, else the cluster the channel is bound to, else the only one), strips `--cluster` and hands
 * the rest to that cluster's own router, which parses, authorizes, audits and runs as before.
 * `/cluster status --all` asks every cluster and answers one line per cluster.
 */
import { combineClusterStatuses } from '../../commands/cluster/status-all.js';
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { closest, globalHelp } from './help.js';
import { withAuditId, type DispatchResult, type Invocation as RouterInvocation, type Router } from './router.js';
import { tokenize } from './tokenize.js';

/** One cluster behind the ClusterRouter. */
export interface ClusterRoute {
  readonly inventory: Inventory;
  readonly router: Router;
}

type Prepared = ReturnType<Router['prepare']>;

/** A request to a router that may serve several clusters. */
export interface Invocation extends RouterInvocation {
  /** The cluster the asker's channel is bound to; `--cluster NAME` in the text wins over it. */
  readonly cluster?: string | undefined;
}

/**
 * What the adapters (Slack, console) need of a router: one cluster's {@link Router}, or the
 * ClusterRouter in front of several (which also says which cluster a text runs on).
 */
export interface CommandRouter {
  readonly commandFamilies: Router['commandFamilies'];
  prepare(inv: Invocation): Prepared;
  dispatch(inv: Invocation): Promise<DispatchResult>;
  recordCancellation(...args: Parameters<Router['recordCancellation']>): ReturnType<Router['recordCancellation']>;
  recordConfirmation(...args: Parameters<Router['recordConfirmation']>): ReturnType<Router['recordConfirmation']>;
  /** The cluster `text` would run on (its `--cluster`, else `bound`, else the only one); undefined when none. */
  clusterOf?(text: string, bound?: string): string | undefined;
  /**
   * The cluster an audit record about `text` carries: as `clusterOf` when there are several
   * clusters, undefined with one (one cluster keeps its records without a cluster, as before).
   */
  auditClusterOf?(text: string, bound?: string): string | undefined;
}

/** The words of a command with `--cluster` taken out. */
interface Split {
  readonly words: readonly string[];
  /** The value of `--cluster` (`''` when the option has no value). */
  readonly cluster?: string;
}

const CLUSTER_OPTION = '--cluster';

/** Takes `--cluster NAME` or `--cluster=NAME` out of the words; throws on a second one. */
function splitCluster(words: readonly string[], usage: string): Split {
  const rest: string[] = [];
  let cluster: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    let value: string | undefined;
    if (w === CLUSTER_OPTION) value = words[++i] ?? '';
    else if (w.startsWith(`${CLUSTER_OPTION}=`)) value = w.slice(CLUSTER_OPTION.length + 1);
    else {
      rest.push(w);
      continue;
    }
    if (cluster !== undefined) throw new UsageError('--cluster is given twice; a command runs on one cluster (or /cluster status --all on every one)', usage);
    cluster = value;
  }
  return cluster === undefined ? { words: rest } : { words: rest, cluster };
}

/** Whether the words ask for help only (nothing runs, no cluster is needed). */
function asksHelp(words: readonly string[]): boolean {
  return words.length <= 1 || words[1] === 'help' || words.includes('--help') || words.includes('-h');
}

/** Routes each command to the router of its cluster; see the module comment. */
export class ClusterRouter implements CommandRouter {
  private readonly byName: ReadonlyMap<string, ClusterRoute>;

  constructor(private readonly routes: readonly ClusterRoute[]) {
    if (routes.length === 0) throw new Error('a ClusterRouter needs at least one cluster');
    this.byName = new Map(routes.map((r) => [r.inventory.cluster, r]));
  }

  /** The clusters served, in inventory order. */
  get clusterNames(): readonly string[] {
    return this.routes.map((r) => r.inventory.cluster);
  }

  /** The families every cluster's router serves (the same for all). */
  get commandFamilies(): Router['commandFamilies'] {
    return this.first.router.commandFamilies;
  }

  private get first(): ClusterRoute {
    const r = this.routes[0];
    if (!r) throw new Error('no cluster');
    return r;
  }

  /** The cluster `text` would run on; undefined when it names none that exists and none is implied. */
  clusterOf(text: string, bound?: string): string | undefined {
    try {
      return this.pick(this.split(text).cluster, bound)?.inventory.cluster;
    } catch {
      return undefined;
    }
  }

  /** See {@link CommandRouter.auditClusterOf}. */
  auditClusterOf(text: string, bound?: string): string | undefined {
    return this.routes.length > 1 ? this.clusterOf(text, bound) : undefined;
  }

  /** As Router.dispatch, on the chosen cluster. Never throws. */
  async dispatch(inv: Invocation): Promise<DispatchResult> {
    const prepared = this.prepare(inv);
    return prepared.kind === 'answered' ? withAuditId(prepared.result) : prepared.run();
  }

  /** As Router.prepare: the cluster is chosen here, synchronously, before anything runs. */
  prepare(inv: Invocation): Prepared {
    let split: Split;
    try {
      split = this.split(inv.text);
    } catch (error) {
      // Text the tokenizer refuses gets the cluster router's own answer for it: the same for every cluster.
      if (!(error instanceof UsageError)) throw error;
      return this.first.router.prepare(inv);
    }
    const [family, sub] = split.words;
    const known = this.commandFamilies.some((f) => f.name === family);
    if (family === 'cluster' && sub === 'status' && split.words.includes('--all')) {
      if (split.cluster !== undefined) return this.usage('--all asks every cluster; it does not take --cluster');
      const rest = split.words.filter((w) => w !== '--all');
      return { kind: 'ready', run: () => this.statusOfAll(inv, `/${rest.join(' ')}`) };
    }
    let route: ClusterRoute | undefined;
    try {
      route = this.pick(split.cluster, inv.cluster);
    } catch (error) {
      if (error instanceof UsageError) return this.answer(error);
      throw error;
    }
    // The alerts no cluster could be given are nobody's: the same list on every cluster, so none needs naming.
    if (!route && family === 'cluster' && sub === 'alerts' && split.words.includes('--unrouted')) route = this.first;
    if (!route) {
      // Help and unknown commands need no cluster: any router answers them alike, with nothing run or audited.
      if (!known || asksHelp(split.words)) return this.first.router.prepare(inv);
      return this.usage(
        `there are ${this.routes.length} clusters here (${this.clusterNames.join(', ')}): name one with --cluster NAME, e.g. /${split.words.join(' ')} --cluster ${this.clusterNames[0] ?? ''}`,
      );
    }
    const text = split.cluster === undefined ? inv.text : `/${split.words.join(' ')}`;
    return this.onCluster(route, route.router.prepare({ ...inv, text }));
  }

  /** As Router.recordCancellation (the audit is one log for every cluster). */
  recordCancellation(...args: Parameters<Router['recordCancellation']>): ReturnType<Router['recordCancellation']> {
    return this.first.router.recordCancellation(...args);
  }

  /** As Router.recordConfirmation. */
  recordConfirmation(...args: Parameters<Router['recordConfirmation']>): ReturnType<Router['recordConfirmation']> {
    return this.first.router.recordConfirmation(...args);
  }

  private split(text: string): Split {
    const usage = globalHelp(this.commandFamilies);
    return splitCluster(tokenize(text.replace(/^\s*\//, ''), usage), usage);
  }

  /** The route named (it must exist), else the bound one, else the only one; undefined when several and none named. */
  private pick(named: string | undefined, bound: string | undefined): ClusterRoute | undefined {
    if (named !== undefined) {
      const route = this.byName.get(named);
      if (route) return route;
      const guess = closest(named, this.clusterNames);
      throw new UsageError(
        named === ''
          ? `--cluster needs a cluster name: ${this.clusterNames.join(', ')}`
          : `unknown cluster "${named}"${guess ? ` (did you mean ${guess}?)` : ''}; the clusters are ${this.clusterNames.join(', ')}`,
        this.clustersHelp(),
      );
    }
    if (bound !== undefined) {
      const route = this.byName.get(bound);
      if (route) return route;
    }
    return this.routes.length === 1 ? this.first : undefined;
  }

  /** A confirmation on one of several clusters re-runs there, whatever channel it is pressed in. */
  private onCluster(route: ClusterRoute, prepared: Prepared): Prepared {
    if (this.routes.length === 1) return prepared;
    const name = route.inventory.cluster;
    const mark = (result: DispatchResult): DispatchResult =>
      result.kind === 'confirm' && !result.text.split(/\s+/).includes(CLUSTER_OPTION)
        ? { ...result, text: `${result.text} ${CLUSTER_OPTION} ${name}` }
        : result;
    if (prepared.kind === 'answered') return { kind: 'answered', result: mark(prepared.result) };
    return { kind: 'ready', run: async () => mark(await prepared.run()) };
  }

  private async statusOfAll(inv: Invocation, text: string): Promise<DispatchResult> {
    const results = await Promise.all(
      this.routes.map(async (route) => {
        const name = route.inventory.cluster;
        const progress = inv.progress;
        const prepared = route.router.prepare({ ...inv, text, ...(progress ? { progress: (m: string) => progress(`${name}: ${m}`) } : {}) });
        return { cluster: name, result: prepared.kind === 'answered' ? prepared.result : await prepared.run() };
      }),
    );
    return { kind: 'reply', reply: combineClusterStatuses(results), ephemeral: false };
  }

  private clustersHelp(): string {
    return `Clusters: ${this.clusterNames.join(', ')}. Add --cluster NAME to a command, or run it in a channel bound to a cluster; /cluster status --all asks every cluster.`;
  }

  private usage(message: string): Prepared {
    return this.answer(new UsageError(message, this.clustersHelp()));
  }

  private answer(error: UsageError): Prepared {
    return { kind: 'answered', result: { kind: 'reply', reply: { ok: false, title: error.message, text: error.usage }, ephemeral: true } };
  }
}
