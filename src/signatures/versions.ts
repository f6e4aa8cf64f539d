import { imageOfPackage } from '../probes/package-versions.js';
import type { LogFinding } from './matcher.js';
import type { Signature } from './schema.js';

/**
 * Which package versions carry a signature's bug. A signature says `versions: { package, fixed }`
 * with the first fixed version of each release series (`2:17.0.1` for Ussuri, `2:18.0.1` for
 * Victoria...); the highest one also covers every later series. A version is fixed when the
 * greatest listed version not above it is of its own series, or is the highest listed; below the
 * lowest, or in a series that got no fix, it is affected. Versions compare as dpkg compares them.
 */

/** What a node's installed version says about a signature's bug. */
export type VersionVerdict = 'affected' | 'fixed' | 'unknown';

/** The verdict and what it rests on. */
export interface VersionReading {
  readonly verdict: VersionVerdict;
  readonly package: string;
  /** The version installed on the node, when known. */
  readonly installed?: string;
  /** The fixed version the verdict compared with, when one applies. */
  readonly fixedIn?: string;
}

/** Where a signature's bug is fixed. */
export interface VersionSpec {
  readonly package: string;
  readonly fixed: readonly string[];
}

function order(c: string): number {
  if (c === '~') return -1;
  if (c === '') return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

/** dpkg's comparison of one part (upstream or revision): alternating non-digit and digit runs. */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/\d/.test(a[i] as string)) || (j < b.length && !/\d/.test(b[j] as string))) {
      const ac = i < a.length && !/\d/.test(a[i] as string) ? (a[i] as string) : '';
      const bc = j < b.length && !/\d/.test(b[j] as string) ? (b[j] as string) : '';
      const diff = order(ac) - order(bc);
      if (diff !== 0) return diff;
      if (ac) i++;
      if (bc) j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && /\d/.test(a[i] as string) && j < b.length && /\d/.test(b[j] as string)) {
      if (!firstDiff) firstDiff = (a.charCodeAt(i) as number) - (b.charCodeAt(j) as number);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i] as string)) return 1;
    if (j < b.length && /\d/.test(b[j] as string)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

interface Parsed {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

function parse(version: string): Parsed {
  const colon = version.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(version.slice(0, colon)) ? Number(version.slice(0, colon)) : 0;
  const rest = colon > 0 ? version.slice(colon + 1) : version;
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b` (dpkg's order). */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa.epoch !== pb.epoch) return pa.epoch - pb.epoch;
  return compareFragment(pa.upstream, pb.upstream) || compareFragment(pa.revision, pb.revision);
}

/** A release series: the epoch and the first number of the upstream version (`2:17`). */
function series(version: string): string {
  const p = parse(version);
  return `${p.epoch}:${/^\d+/.exec(p.upstream)?.[0] ?? p.upstream}`;
}

/** The verdict for one installed version (`undefined`: not installed, or not known). */
export function readVersion(spec: VersionSpec, installed: string | undefined): VersionReading {
  if (installed === undefined || installed === '') return { verdict: 'unknown', package: spec.package };
  const fixed = [...spec.fixed].sort(compareVersions);
  const below = fixed.filter((f) => compareVersions(f, installed) <= 0);
  const nearest = below[below.length - 1];
  if (nearest === undefined) return { verdict: 'affected', package: spec.package, installed, fixedIn: fixed[0] as string };
  if (series(nearest) === series(installed) || nearest === fixed[fixed.length - 1])
    return { verdict: 'fixed', package: spec.package, installed, fixedIn: nearest };
  const ownSeries = fixed.find((f) => series(f) === series(installed));
  return { verdict: 'affected', package: spec.package, installed, ...(ownSeries ? { fixedIn: ownSeries } : {}) };
}

/**
 * Findings with what the node's package version says of their signature's bug, as fields
 * (`package`, `installedVersion`, `versionVerdict`, `fixedIn`): a finding on a fixed version says
 * so. Nodes whose versions are unknown, and signatures without `versions`, are left as they are.
 */
export function annotateVersions(
  findings: readonly LogFinding[],
  signatures: readonly Signature[],
  versionsOf: (node: string) => ReadonlyMap<string, string> | undefined,
): LogFinding[] {
  const specs = new Map(signatures.flatMap((s) => (s.versions ? [[s.id, s.versions] as const] : [])));
  if (specs.size === 0) return [...findings];
  return findings.map((f) => {
    const spec = specs.get(f.signature);
    const versions = spec ? versionsOf(f.node) : undefined;
    if (!spec || !versions) return f;
    const r = readVersion(spec, versions.get(spec.package));
    const fields: Record<string, string> = { ...f.fields, package: r.package, versionVerdict: r.verdict };
    if (r.installed) fields.installedVersion = r.installed;
    if (r.fixedIn) fields.fixedIn = r.fixedIn;
    // Not on the host (kolla-ansible, TripleO): the service runs in an image, whose reference is said.
    const image = r.installed === undefined ? imageOfPackage(versions, spec.package) : undefined;
    if (image) fields.image = image.image;
    return { ...f, fields };
  });
}
