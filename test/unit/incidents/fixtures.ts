import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evidenceOf } from '../../../src/incidents/index.js';
import type { Evidence } from '../../../src/incidents/types.js';
import { diagnoseDirectory, loadCatalog, type Catalog, type ProbeFinding } from '../../../src/signatures/index.js';

/** The seed's log lines laid out per node, as `stackmedic diagnose` reads them. */
export const SEED_LOGS = join(import.meta.dirname, '../../fixtures/diagnose/seed');

/** A probe finding as the status probes make them. */
export function probe(signature: string, node: string, time = '2017-02-15T06:30:00.000Z', fields: Record<string, string> = {}, text = ''): ProbeFinding {
  return { signature, node, time, fields, text };
}

/** What the seed outage looks like to a check: the seed's log evidence plus the probe facts of the simulator. */
export async function seedEvidence(catalog: Catalog): Promise<Evidence[]> {
  const diagnosis = await diagnoseDirectory(SEED_LOGS, catalog);
  return evidenceOf([
    ...diagnosis.findings,
    probe('disk-full-now', 'node-10', undefined, { mount: '/', usePercent: '100', availBytes: '0' }, '/ 100% used'),
    probe('rabbit-node-down', 'node-10'),
    probe('pacemaker-resources-stopped', 'node-10', undefined, {}, 'resources stopped'),
    ...['node-18', 'node-19', 'node-20'].flatMap((n) => [
      probe('nova-compute-down', n, undefined, { binary: 'nova-compute' }),
      probe('libvirt-socket-gone', n, undefined, { daemonRunning: 'true' }),
    ]),
    ...['node-10', 'node-11', 'node-12'].map((n) => probe('neutron-agent-down', n, undefined, { agents: 'L3 agent' })),
  ]);
}

let catalog: Promise<Catalog> | undefined;
/** The built-in catalog, loaded once. */
export function builtinCatalog(): Promise<Catalog> {
  return (catalog ??= loadCatalog());
}

/**
 * A database file in a new temp directory. Not `:memory:`: readEnvOptions resolves STACKMEDIC_DB to
 * an absolute path, so ':memory:' would be a file named so in the working directory, shared by runs.
 */
export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'stackmedic-incidents-')), 'stackmedic.sqlite');
}
