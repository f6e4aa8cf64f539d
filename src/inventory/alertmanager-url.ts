import { ConfigError } from '../errors.js';

/**
 * Reads a cluster's `alertmanager_url:` (its Alertmanager, for the Silence buttons). Only http and
 * https are accepted: stackmedic posts silences there with fetch, and another scheme, a bare host
 * or a URL with spaces is a typo to fix before the first Silence button fails.
 */
export function inventoryAlertmanagerUrl(
  raw: string | undefined,
  where: { readonly file: string; readonly field: string; readonly cluster: string },
): string | undefined {
  if (raw === undefined) return undefined;
  const url = raw.trim();
  if (isHttpUrl(url)) return url;
  throw new ConfigError(
    where.file,
    where.field,
    `the http(s) URL of cluster ${where.cluster}'s Alertmanager, e.g. http://alertmanager-${where.cluster}:9093 (got "${raw.slice(0, 200)}"); or remove it and set STACKMEDIC_ALERTMANAGER_URL=${where.cluster}=URL`,
  );
}

function isHttpUrl(v: string): boolean {
  if (!/^https?:\/\/[^\s/,]+(\/[^\s,]*)?$/i.test(v)) return false;
  try {
    return new URL(v).hostname !== '';
  } catch {
    return false;
  }
}
