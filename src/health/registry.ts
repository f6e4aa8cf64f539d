import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { initSystem } from '../probes/init-system.js';
import type { Probe } from '../probes/types.js';
import { uptime } from '../probes/uptime.js';
import type { ProbeFact, ProbeFactRegistry } from '../signatures/index.js';
import type { HealthArea } from './area.js';
import type { ClusterSnapshot } from './snapshot.js';

/**
 * The health areas, found in `src/health/areas/` (one module each, default-exporting its
 * `defineArea`), so that adding an area is adding its module: every list below is derived.
 * Area modules import probes from their own files, never from `src/probes/index.ts`, which
 * re-exports `allProbes` from here.
 */
const AREAS_DIR = join(import.meta.dirname, 'areas');
/** `.ts` under vitest, `.js` once built: only this build's modules are areas. */
const MODULE_EXT = extname(fileURLToPath(import.meta.url));

function isHealthArea(x: unknown): x is HealthArea {
  if (typeof x !== 'object' || x === null) return false;
  const a = x as Partial<HealthArea>;
  return (
    typeof a.id === 'string' &&
    typeof a.title === 'string' &&
    typeof a.reportOrder === 'number' &&
    typeof a.causeOrder === 'number' &&
    Array.isArray(a.probes) &&
    typeof a.assess === 'function' &&
    typeof a.facts === 'object'
  );
}

/** Refuses a registry that would sort or report ambiguously: the mistakes a new area can make. */
export function checkAreas(areas: readonly HealthArea[]): void {
  const twice = (what: string, values: readonly (string | number)[]): void => {
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) throw new Error(`two health areas have the ${what} ${String(dup)}`);
  };
  twice('id', [...areas.map((a) => a.id), 'reachability']);
  twice(
    'reportOrder',
    areas.map((a) => a.reportOrder),
  );
  twice(
    'causeOrder',
    areas.map((a) => a.causeOrder),
  );
  twice(
    'fact',
    areas.flatMap((a) => Object.keys(a.facts)),
  );
  for (const a of areas) {
    if (a.probes.length === 0) throw new Error(`health area ${a.id} runs no probe`);
    const own = new Set([...a.probes, ...(a.detailProbes ?? [])].map((p) => p.id));
    for (const key of Object.keys(a.facts)) {
      if (!own.has(key.split('/')[0] ?? '')) throw new Error(`health area ${a.id} declares the fact ${key} of a probe it does not run`);
    }
  }
}

async function discoverAreas(): Promise<HealthArea[]> {
  const files = readdirSync(AREAS_DIR)
    .filter((f) => f.endsWith(MODULE_EXT) && !f.endsWith(`.d${MODULE_EXT}`))
    .sort();
  const areas = await Promise.all(
    files.map(async (file) => {
      const mod = (await import(pathToFileURL(join(AREAS_DIR, file)).href)) as { default?: unknown };
      if (!isHealthArea(mod.default)) throw new Error(`src/health/areas/${file} does not default-export a defineArea({...})`);
      return mod.default;
    }),
  );
  checkAreas(areas);
  return areas.sort((a, b) => a.reportOrder - b.reportOrder);
}

/** Every health area, in report order. */
export const healthAreas: readonly HealthArea[] = await discoverAreas();

/** Each probe once (two areas may read the same one), first place kept. */
function once(probes: readonly Probe<unknown>[]): Probe<unknown>[] {
  return probes.filter((p, i) => probes.findIndex((q) => q.id === p.id) === i);
}

/** The probes `/cluster status` runs, in report order (slow detail probes are left to `/cluster node`). */
export const statusProbes: readonly Probe<unknown>[] = once(healthAreas.flatMap((a) => a.probes));

/** Probes no area judges, shown by `/cluster node` (and `uptime` by `/cluster ping`). */
const nodeInfoProbes: readonly Probe<unknown>[] = [uptime, initSystem];

/** Every probe stackmedic runs: the areas' in report order (each area's detail probes after its own), then node information. */
export const allProbes: readonly Probe<unknown>[] = once([...healthAreas.flatMap((a) => [...a.probes, ...(a.detailProbes ?? [])]), ...nodeInfoProbes]);

/** The probe with this id, if any. */
export function probeById(id: string): Probe<unknown> | undefined {
  return allProbes.find((p) => p.id === id);
}

/** Problem areas from causes to consequences: reachability first, then the areas by `causeOrder`. */
export const areasByCause: readonly string[] = ['reachability', ...[...healthAreas].sort((a, b) => a.causeOrder - b.causeOrder).map((a) => a.id)];

/** The facts every area registered, handed to `evaluateProbeSignatures`. */
export const probeFacts: ProbeFactRegistry<ClusterSnapshot> = new Map(
  healthAreas.flatMap((a) => Object.entries(a.facts) as [string, ProbeFact<ClusterSnapshot>][]),
);
