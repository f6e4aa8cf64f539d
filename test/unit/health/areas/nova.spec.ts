import { describe, expect, it } from 'vitest';
import { novaServices } from '../../../../src/probes/nova-services.js';
import { areaReport, factHits, fixtureText, snapshotOf } from './fixture-snapshot.js';

const listing = (file: string) => snapshotOf([[novaServices, [{ node: 'node-10', stdout: `probes/openstack-cli/${file}` }]]]);

describe('Nova area (assessSnapshot on real openstack compute service list)', () => {
  it('is ok when every service is up', () => {
    const r = areaReport(listing('osc6_compute_service_list_healthy.json'), 'nova');
    expect(r.status).toBe('ok');
    expect(r.note).toBe('9 services up');
  });

  it('groups down services by binary; the compute-down fact names the same hosts for nova-compute', () => {
    const s = listing('osc6_compute_service_list_seed-incident.json');
    const r = areaReport(s, 'nova');
    expect(r.problems.map((p) => p.summary)).toEqual([
      'nova-scheduler DOWN on node-10',
      'nova-conductor DOWN on node-10',
      'nova-compute DOWN on node-13, node-14',
    ]);
    expect(factHits(s, 'nova-services/compute-down').map((h) => h.node)).toEqual(r.problems.find((p) => p.summary.startsWith('nova-compute'))?.nodes);
  });

  it('reads the table the same as the JSON', () => {
    const json = areaReport(listing('osc6_compute_service_list_seed-incident.json'), 'nova');
    const table = areaReport(listing('osc6_compute_service_list_seed-incident.txt'), 'nova');
    expect(table.problems).toEqual(json.problems);
  });

  it('leaves a compute an operator disabled out of both the verdict and the fact', () => {
    const file = 'openstack_compute_service_list_one_down_UNATTRIBUTED.txt';
    expect(areaReport(listing(file), 'nova').problems.map((p) => p.summary)).toEqual(['nova-compute DOWN on compute1']);
    // The same real listing after `openstack compute service set --disable compute1 nova-compute`.
    const disabled = fixtureText(`probes/openstack-cli/${file}`).replace('| enabled | down  |', '| disabled | down  |');
    expect(disabled).not.toBe(fixtureText(`probes/openstack-cli/${file}`));
    const s = snapshotOf([[novaServices, [{ node: 'node-10', printed: disabled }]]]);
    expect(areaReport(s, 'nova').status).toBe('ok');
    expect(factHits(s, 'nova-services/compute-down')).toEqual([]);
  });
});

describe('Nova area: services of a down cell', () => {
  it('reports them as unknown, neither down nor ok, and the compute-down fact leaves them out', () => {
    const s = listing('osc6_compute_service_list_down-cell_v2.69.json');
    const r = areaReport(s, 'nova');
    expect(r.status).toBe('problem');
    const unknown = r.problems.filter((p) => /UNKNOWN/.test(p.summary));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.severity).toBe('warning');
    expect(unknown[0]?.summary).toMatch(/^\d+ services? in state UNKNOWN \(cell unreachable\) on /);
    expect(r.problems.every((p) => !/DOWN/.test(p.summary) || !unknown[0]?.nodes.some((n) => p.nodes.includes(n)))).toBe(true);
    expect(
      factHits(s, 'nova-services/compute-down')
        .map((h) => h.node)
        .filter((n) => unknown[0]?.nodes.includes(n)),
    ).toEqual([]);
  });
});
