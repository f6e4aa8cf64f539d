/**
 * STACKMEDIC_ALERTMANAGER_URL with several clusters: one Alertmanager for all
 * (`http://alertmanager:9093`), one per cluster (`east=http://am-east:9093,west=http://am-west:9093`),
 * or both (the bare URL serves the clusters not named). A cluster's inventory may name its own too
 * (`alertmanager_url:`); see {@link chooseAlertmanagerUrl} for which one wins.
 */

/** The Alertmanager URLs read from the variable. */
export interface AlertmanagerUrls {
  /** For every cluster not named (the bare URL). */
  readonly url: string | undefined;
  /** By cluster name. */
  readonly byCluster: Readonly<Record<string, string>>;
}

const URL_SHAPE = /^https?:\/\/[^\s/,]+(\/[^\s,]*)?$/;

/** Reads the variable's value; a string is the problem (for the ConfigError) when it is malformed. */
export function parseAlertmanagerUrls(value: string | undefined): AlertmanagerUrls | string {
  const text = value?.trim() ?? '';
  if (text === '') return { url: undefined, byCluster: {} };
  let url: string | undefined;
  const byCluster: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const named = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(entry);
    if (named && !/^https?:$/i.test(named[1] as string)) {
      const [, cluster, address] = named as unknown as [string, string, string];
      if (!URL_SHAPE.test(address)) return `the http(s) URL of cluster ${cluster}'s Alertmanager (got "${address}")`;
      if (byCluster[cluster] !== undefined) return `one URL per cluster (${cluster} is named twice)`;
      byCluster[cluster] = address;
      continue;
    }
    if (!URL_SHAPE.test(entry)) return 'the http(s) URL of Alertmanager (e.g. http://alertmanager:9093), or CLUSTER=URL entries separated by commas';
    if (url !== undefined) return 'one URL without a cluster at most (the others as CLUSTER=URL)';
    url = entry;
  }
  return { url, byCluster };
}

/** Where a cluster's Alertmanager URL came from, and what it overrode. */
export interface AlertmanagerUrlChoice {
  readonly url: string | undefined;
  /** `environment`: STACKMEDIC_ALERTMANAGER_URL's CLUSTER=URL; `inventory`: the cluster's alertmanager_url:; `shared`: the bare URL. */
  readonly from: 'environment' | 'inventory' | 'shared' | 'none';
  /** The inventory's URL when the environment's CLUSTER=URL replaced another one (worth a log line). */
  readonly overridden?: string | undefined;
}

/**
 * The URL of `cluster`'s Alertmanager, the most specific first: STACKMEDIC_ALERTMANAGER_URL's
 * `CLUSTER=URL` (the environment overrides the inventory, so a deployment can redirect one cluster
 * without editing its inventory), then the cluster's `alertmanager_url:` in the inventory, then the
 * bare STACKMEDIC_ALERTMANAGER_URL that serves every cluster not named.
 */
export function chooseAlertmanagerUrl(
  urls: { readonly url?: string | undefined; readonly urls?: Readonly<Record<string, string>> | undefined } | undefined,
  cluster: string,
  inventoryUrl?: string,
): AlertmanagerUrlChoice {
  const named = urls?.urls?.[cluster];
  if (named !== undefined)
    return { url: named, from: 'environment', ...(inventoryUrl !== undefined && inventoryUrl !== named ? { overridden: inventoryUrl } : {}) };
  if (inventoryUrl !== undefined) return { url: inventoryUrl, from: 'inventory' };
  return urls?.url !== undefined ? { url: urls.url, from: 'shared' } : { url: undefined, from: 'none' };
}

/** The URL of `cluster`'s Alertmanager (see {@link chooseAlertmanagerUrl}). */
export function alertmanagerUrlOf(
  urls: { readonly url?: string | undefined; readonly urls?: Readonly<Record<string, string>> | undefined } | undefined,
  cluster: string,
  inventoryUrl?: string,
): string | undefined {
  return chooseAlertmanagerUrl(urls, cluster, inventoryUrl).url;
}
