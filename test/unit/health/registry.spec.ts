import { describe, expect, it } from 'vitest';
import type { HealthArea } from '../../../src/health/area.js';
import { allProbes, areasByCause, checkAreas, healthAreas, probeFacts, statusProbes } from '../../../src/health/registry.js';
import { isProbeSignature, loadCatalog, probeFactKey } from '../../../src/signatures/index.js';

describe('health area registry', () => {
  // Lists below name the areas this test knows; an area added later only has to keep its place.
  const known = (ids: readonly string[], of: readonly string[]): string[] => ids.filter((id) => of.includes(id));

  it('finds every area module, in report order', () => {
    const ids = healthAreas.map((a) => a.id);
    const report = ['pacemaker', 'rabbitmq', 'galera', 'ceph', 'nova', 'neutron', 'disk', 'libvirt'];
    expect(known(ids, report)).toEqual(report);
    expect(healthAreas.map((a) => a.reportOrder)).toEqual([...healthAreas.map((a) => a.reportOrder)].sort((a, b) => a - b));
    expect(healthAreas.find((a) => a.id === 'rabbitmq')?.title).toBe('RabbitMQ');
  });

  it('derives the status probes, the cause order and every probe from the areas', () => {
    expect(statusProbes.map((p) => p.id)).toEqual(healthAreas.flatMap((a) => a.probes.map((p) => p.id)));
    expect(statusProbes.map((p) => p.id)).not.toContain('space-hogs');
    const causes = ['reachability', 'disk', 'rabbitmq', 'pacemaker', 'galera', 'ceph', 'libvirt', 'nova', 'neutron'];
    expect(known(areasByCause, causes)).toEqual(causes);
    expect(areasByCause).toHaveLength(healthAreas.length + 1);
    for (const p of statusProbes) expect(allProbes).toContain(p);
  });

  it('registers a fact for every probe signature of the builtin catalog', async () => {
    const catalog = await loadCatalog();
    const wanted = catalog.signatures.filter(isProbeSignature).map((s) => probeFactKey(s.source.probe));
    expect(wanted.length).toBeGreaterThan(0);
    for (const key of wanted) expect([...probeFacts.keys()]).toContain(key);
  });

  it('refuses areas that would collide or read facts of probes they do not run', () => {
    const [first, second] = healthAreas as [HealthArea, HealthArea];
    expect(() => checkAreas([first, { ...second, id: first.id }])).toThrow(`two health areas have the id ${first.id}`);
    expect(() => checkAreas([first, { ...second, causeOrder: first.causeOrder }])).toThrow('causeOrder');
    expect(() => checkAreas([{ ...first, id: 'reachability' }])).toThrow('reachability');
    expect(() => checkAreas([{ ...first, facts: { 'libvirt-status/socket-missing': () => [] } }])).toThrow('of a probe it does not run');
    expect(() => checkAreas(healthAreas)).not.toThrow();
  });
});
