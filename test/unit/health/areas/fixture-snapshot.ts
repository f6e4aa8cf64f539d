/** Cluster snapshots built from real tool outputs, for the area tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessSnapshot, type AreaReport } from '../../../../src/health/assess.js';
import { probeFacts } from '../../../../src/health/registry.js';
import { ClusterSnapshot, type NodeProbeOutcome, type NodeState } from '../../../../src/health/snapshot.js';
import type { Probe } from '../../../../src/probes/types.js';
import type { FactHit } from '../../../../src/signatures/index.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');

/** When the fixture snapshots were taken. */
export const TAKEN_AT = new Date('2017-02-14T06:00:00.000Z');

/** The seed cluster's nodes: three controllers, three computes. */
export const SEED_NODES: readonly { name: string; roles: readonly string[] }[] = [
  { name: 'node-10', roles: ['controller'] },
  { name: 'node-11', roles: ['controller'] },
  { name: 'node-12', roles: ['controller'] },
  { name: 'node-18', roles: ['compute'] },
  { name: 'node-19', roles: ['compute'] },
  { name: 'node-20', roles: ['compute'] },
];

/**
 * What one node answered to one probe: a fixture file (under test/fixtures/) as stdout or stderr,
 * the literal output of one of stackmedic's own scripts, or no answer at all.
 */
export type Answer =
  | { readonly node: string; readonly stdout: string; readonly exitCode?: number }
  | { readonly node: string; readonly printed: string }
  | { readonly node: string; readonly stderr: string; readonly exitCode: number }
  | { readonly node: string; readonly unreachable: string };

/** The text of a fixture under test/fixtures/. */
export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

function outcomeOf(probe: Probe<unknown>, a: Answer): NodeProbeOutcome<unknown> {
  if ('unreachable' in a) {
    return {
      kind: 'failed',
      node: a.node,
      failure: { ok: false, node: a.node, command: '', kind: 'unreachable', message: a.unreachable, durationMs: 10_000 },
      durationMs: 10_000,
    };
  }
  const output =
    'printed' in a
      ? { stdout: a.printed, stderr: '', exitCode: 0 }
      : 'stdout' in a
        ? { stdout: fixtureText(a.stdout), stderr: '', exitCode: a.exitCode ?? 0 }
        : { stdout: '', stderr: fixtureText(a.stderr), exitCode: a.exitCode };
  return { ...probe.parse(output), node: a.node, exitCode: output.exitCode, durationMs: 5 };
}

/** A snapshot of `nodes` where each probe got the answers given, parsed by the probe's own parser. */
export function snapshotOf(
  answers: readonly (readonly [Probe<unknown>, readonly Answer[]])[],
  nodes: readonly { name: string; roles: readonly string[]; deployHost?: string }[] = SEED_NODES,
): ClusterSnapshot {
  const unreachable = new Map(answers.flatMap(([, list]) => list.flatMap((a) => ('unreachable' in a ? [[a.node, a.unreachable] as const] : []))));
  const states: NodeState[] = nodes.map((n) => ({
    name: n.name,
    roles: n.roles,
    reachable: !unreachable.has(n.name),
    problem: unreachable.get(n.name),
    ...(n.deployHost ? { deployHost: n.deployHost } : {}),
  }));
  const outcomes = new Map(answers.map(([probe, list]) => [probe.id, list.map((a) => outcomeOf(probe, a))]));
  return new ClusterSnapshot('seed', TAKEN_AT, 0, states, outcomes);
}

/** The report of one area, as `assessSnapshot` gives it. */
export function areaReport(snapshot: ClusterSnapshot, area: string): AreaReport {
  const found = assessSnapshot(snapshot).areas.find((a) => a.area === area);
  if (!found) throw new Error(`no area ${area} in the report`);
  return found;
}

/** The hits of one registered probe fact on the snapshot. */
export function factHits(snapshot: ClusterSnapshot, key: string): readonly FactHit[] {
  const fact = probeFacts.get(key);
  if (!fact) throw new Error(`no fact ${key} registered`);
  return fact(snapshot);
}
