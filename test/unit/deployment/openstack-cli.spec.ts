import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterProbeTargets, probesOnNode } from '../../../src/deployment/openstack-cli.js';
import { ConfigError } from '../../../src/errors.js';
import { assessSnapshot } from '../../../src/health/assess.js';
import novaArea from '../../../src/health/areas/nova.js';
import neutronArea from '../../../src/health/areas/neutron.js';
import pacemakerArea from '../../../src/health/areas/pacemaker.js';
import { takeSnapshot } from '../../../src/health/snapshot.js';
import { loadClusters } from '../../../src/inventory/clusters.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { neutronAgents } from '../../../src/probes/neutron-agents.js';
import { novaServices } from '../../../src/probes/nova-services.js';
import { pacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import type { Probe } from '../../../src/probes/types.js';
import { servicesStillDown } from '../../../src/runbooks/follow-up.js';
import { readApi } from '../../../src/runbooks/read.js';
import type { RunbookContext } from '../../../src/runbooks/types.js';
import { renderRemoteCommand } from '../../../src/ssh/shell.js';
import type { ExecOutcome, Executor } from '../../../src/ssh/types.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
/** tripleo-ansible-inventory's own outputs (tripleo-common's test data): test/fixtures/inventory/real/SOURCE.md. */
const real = (name: string): string => join(FIXTURES, 'inventory/real', name);
/** `openstack compute service list` as nova's docs print it: test/fixtures/probes/openstack-cli/SOURCE.md. */
const NOVA_TABLE = readFileSync(join(FIXTURES, 'probes/openstack-cli/openstack_compute_service_list_nova_doc.txt'), 'utf8');
const AGENTS_TABLE = readFileSync(join(FIXTURES, 'probes/openstack-cli/openstack_network_agent_list_neutron_doc.txt'), 'utf8');

describe("the openstack CLI host from TripleO's own inventories", () => {
  it.each([
    ['tripleo/overcloud_static.yaml', '/home/stack/overcloudrc'],
    ['tripleo/overcloud_dynamic.json', '/home/stack/overcloudrc'],
    ['tripleo/list_overcloud.json', '/home/stack/overcloudrc'],
    // `plans: [cell1, overcloud]`: a multi-stack deployment reads the API with the overcloud's rc.
    ['tripleo/merged_dynamic.json', '/home/stack/overcloudrc'],
    // `plan: null`: tripleoclient's default stack.
    ['tripleo/undercloud_dynamic.json', '/home/stack/overcloudrc'],
  ])('%s: the Undercloud group, with %s', (file, rcPath) => {
    const inv = loadInventory(real(file), { knownHostsPath: '/dev/null' });
    expect(inv.openstackCli).toEqual({ node: 'undercloud', rcPath, from: "TripleO's Undercloud group" });
  });

  it('names no CLI host for an inventory without an undercloud (kolla-ansible multinode)', () => {
    expect(loadInventory(real('kolla-ansible/multinode'), { knownHostsPath: '/dev/null' }).openstackCli).toBeUndefined();
  });
});

describe('choosing the openstack CLI host explicitly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-cli-host-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const staticWith = (vars: string): string => write('tripleo.yaml', `${readFileSync(real('tripleo/overcloud_static.yaml'), 'utf8')}all:\n  vars:\n${vars}`);

  it('Ansible: stackmedic_overcloudrc names the rc file on the undercloud (OSP 17 keeps it under overcloud-deploy/)', () => {
    const inv = loadInventory(staticWith('    stackmedic_overcloudrc: /home/stack/overcloud-deploy/overcloud/overcloudrc\n'));
    expect(inv.openstackCli).toMatchObject({ node: 'undercloud', rcPath: '/home/stack/overcloud-deploy/overcloud/overcloudrc' });
  });

  it('Ansible: stackmedic_openstack_cli: controllers reads the API on a controller, as before', () => {
    expect(loadInventory(staticWith('    stackmedic_openstack_cli: controllers\n')).openstackCli).toBeUndefined();
  });

  it('Ansible: stackmedic_openstack_cli names another node, which wins over the Undercloud group', () => {
    const inv = loadInventory(staticWith('    stackmedic_openstack_cli: overcloud-controller-0\n    stackmedic_overcloudrc: /root/overcloudrc\n'));
    expect(inv.openstackCli).toEqual({ node: 'overcloud-controller-0', rcPath: '/root/overcloudrc', from: 'stackmedic_openstack_cli in the inventory' });
  });

  it('refuses a node the inventory does not have, and an rc path that is not absolute', () => {
    expect(() => loadInventory(staticWith('    stackmedic_openstack_cli: director\n'))).toThrow(ConfigError);
    expect(() => loadInventory(staticWith('    stackmedic_openstack_cli: director\n'))).toThrow(/no node "director"/);
    expect(() => loadInventory(staticWith('    stackmedic_overcloudrc: ~/overcloudrc\n'))).toThrow(/stackmedic_overcloudrc.*absolute path on that node/);
  });

  const native = (extra: string): string =>
    write(
      'native.yml',
      `cluster: c\nknown_hosts: /dev/null\nopenrc: /root/openrc\n${extra}nodes:\n  - { name: ctl-1, address: 10.0.0.1, roles: [controller] }\n  - { name: director, address: 10.0.0.9, roles: [Undercloud] }\n  - { name: ops, address: 10.0.0.8, roles: [tools] }\n`,
    );

  it('stackmedic YAML: a node with the undercloud role is the CLI host; openstack_cli: wins over it', () => {
    expect(loadInventory(native('')).openstackCli).toEqual({
      node: 'director',
      rcPath: '/home/stack/overcloudrc',
      from: 'the undercloud role in the inventory',
    });
    expect(loadInventory(native('openstack_cli: { node: ops, openrc: /etc/openstack/admin-rc }\n')).openstackCli).toEqual({
      node: 'ops',
      rcPath: '/etc/openstack/admin-rc',
      from: 'openstack_cli in the inventory',
    });
    expect(loadInventory(native('openstack_cli: controllers\n')).openstackCli).toBeUndefined();
    expect(() => loadInventory(native('openstack_cli: { node: nobody }\n'))).toThrow(/openstack_cli.*no node "nobody"/);
  });

  it('clusters: openstack_cli: next to inventory: FILE wins over the file’s Undercloud group', () => {
    const file = staticWith('');
    const set = loadClusters(
      write('clusters.yml', `clusters:\n  west:\n    inventory: ${file}\n  east:\n    inventory: ${file}\n    openstack_cli: controllers\n`),
      { knownHostsPath: '/dev/null' },
    );
    expect(set.clusters.map((c) => [c.cluster, c.openstackCli?.node])).toEqual([
      ['west', 'undercloud'],
      ['east', undefined],
    ]);
  });
});

/** The seed's controllers and a TripleO undercloud, reached over SSH. */
function inventory(withCliHost: boolean): Inventory {
  const node = (name: string, roles: string[]) => ({ name, roles, address: name, port: 22, user: 'root', become: false });
  return {
    cluster: 't',
    knownHostsPath: '/dev/null',
    openrcPath: '/root/openrc',
    nodes: [node('node-10', ['controller']), node('node-11', ['controller']), node('node-18', ['compute']), node('undercloud', ['Undercloud'])],
    jumpHosts: [],
    source: 'test',
    ...(withCliHost ? { openstackCli: { node: 'undercloud', rcPath: '/home/stack/overcloudrc', from: "TripleO's Undercloud group" } } : {}),
  };
}

/** An executor whose nodes answer the two API listings with real outputs, as the simulator's and real sh do: only after the rc file is sourced. */
function fakeExecutor(o: { unreachable?: readonly string[] } = {}): Executor & { sent: { node: string; text: string }[] } {
  const sent: { node: string; text: string }[] = [];
  const inv = inventory(true);
  const exec = (node: string, command: Parameters<Executor['exec']>[1]): Promise<ExecOutcome> => {
    const spec = inv.nodes.find((n) => n.name === node);
    const text = renderRemoteCommand(command, { become: false, openrcPath: inv.openrcPath });
    sent.push({ node, text });
    const base = { node, command: text, durationMs: 1 };
    if (o.unreachable?.includes(node)) return Promise.resolve({ ...base, ok: false, kind: 'unreachable', message: 'connect ECONNREFUSED' });
    const credentials = node === 'undercloud' ? text.startsWith('. /home/stack/overcloudrc && ') : false;
    const stdout = !credentials ? '' : text.includes('compute service list') ? NOVA_TABLE : text.includes('network agent list') ? AGENTS_TABLE : '';
    const stderr = credentials || !spec ? '' : 'Missing value auth-url required for auth plugin password\n';
    return Promise.resolve({ ...base, ok: true, stdout, stderr, exitCode: stdout ? 0 : 1, signal: undefined, truncated: false });
  };
  return { sent, exec, fanOut: (nodes, command) => Promise.all(nodes.map((n) => exec(n, command))) };
}

describe('where the API is read: the CLI host, or the controllers', () => {
  it('sends the API reads to the undercloud alone, with its rc file in the command and never the configured openrc', () => {
    const targets = clusterProbeTargets(inventory(true), novaServices);
    expect(targets.map((t) => t.node.name)).toEqual(['undercloud']);
    const text = renderRemoteCommand(targets[0]?.command ?? novaServices.command, { become: false, openrcPath: '/root/openrc' });
    expect(text).toBe('. /home/stack/overcloudrc && openstack compute service list -f json');
  });

  it('leaves every other cluster-scope probe on the controllers, and every cluster without a CLI host as it was', () => {
    expect(clusterProbeTargets(inventory(true), pacemakerStatus).map((t) => t.node.name)).toEqual(['node-10', 'node-11']);
    const plain = clusterProbeTargets(inventory(false), novaServices);
    expect(plain.map((t) => [t.node.name, t.command])).toEqual([
      ['node-10', novaServices.command],
      ['node-11', novaServices.command],
    ]);
  });

  it('the doctor looks for the openstack CLI and the rc file on the undercloud, no longer on the controllers', () => {
    const probes: readonly Probe<unknown>[] = [novaServices, neutronAgents, pacemakerStatus];
    const inv = inventory(true);
    const ids = (name: string): string[] => probesOnNode(inv, inv.nodes.find((n) => n.name === name) ?? inv.nodes[0]!, probes).map((p) => p.id);
    expect(ids('undercloud')).toEqual(['nova-services', 'neutron-agents']);
    expect(ids('node-10')).toEqual(['pacemaker-status']);
    expect(probesOnNode(inventory(false), inv.nodes[0]!, probes).map((p) => p.id)).toEqual(['nova-services', 'neutron-agents', 'pacemaker-status']);
  });
});

describe('/cluster status with an undercloud', () => {
  const areas = [novaArea, neutronArea, pacemakerArea];

  it('reads nova and neutron on the undercloud with the overcloudrc, and says so', async () => {
    const executor = fakeExecutor();
    const snapshot = await takeSnapshot(inventory(true), executor, { probes: [novaServices, neutronAgents] });
    const report = assessSnapshot(snapshot, [novaArea, neutronArea]);
    expect(report.areas.map((a) => [a.area, a.status, a.coverage])).toEqual([
      ['nova', 'ok', 'checked cluster-wide on undercloud with /home/stack/overcloudrc'],
      ['neutron', 'ok', 'checked cluster-wide on undercloud with /home/stack/overcloudrc'],
    ]);
    expect(executor.sent.filter((s) => s.text.includes('openstack')).map((s) => s.node)).toEqual(['undercloud', 'undercloud']);
    expect(report.problems).toEqual([]);
    expect(report.deployHosts).toEqual([{ node: 'undercloud', why: "TripleO's undercloud, no cluster role" }]);
  });

  // The decision (src/deployment/openstack-cli.ts): no fallback to a controller. On TripleO the
  // overcloudrc is only on the undercloud; a controller answers "Missing value auth-url" at best.
  it('an unreachable undercloud leaves nova and neutron "not checked: undercloud unreachable", never ✔, and asks no controller instead', async () => {
    const executor = fakeExecutor({ unreachable: ['undercloud'] });
    const snapshot = await takeSnapshot(inventory(true), executor, { probes: [novaServices, neutronAgents] });
    const report = assessSnapshot(snapshot, [novaArea, neutronArea]);
    for (const a of report.areas) {
      expect([a.area, a.status, a.coverage]).toEqual([
        a.area,
        'unchecked',
        'not checked: undercloud unreachable (the openstack CLI runs there, with /home/stack/overcloudrc)',
      ]);
    }
    expect(executor.sent.filter((s) => s.node !== 'undercloud')).toEqual([]);
    // The undercloud is no cluster node: INCOMPLETE with the reason in the verdict line, not CRITICAL.
    expect(report.verdict).toBe('INCOMPLETE');
    expect(report.problems).toEqual([]);
    expect(report.headline).toMatch(/2 of 2 areas not checked \(Nova, Neutron\)/);
    expect(report.headline).toMatch(
      /undercloud: the deployment host, not a cluster node \(TripleO's undercloud, no cluster role; unreachable: connect ECONNREFUSED\)/,
    );
  });

  it('a controller without credentials is what the API reads would have met there: unknown, not ✔', async () => {
    const executor = fakeExecutor();
    const snapshot = await takeSnapshot(inventory(false), executor, { probes: [novaServices] });
    const report = assessSnapshot(snapshot, areas.slice(0, 1));
    expect(report.areas[0]?.status).toBe('unknown');
    expect(report.areas[0]?.note).toMatch(/node-10: .*Missing value auth-url/);
  });

  it('runbooks read nova where the status does: readApi on the undercloud, and on no controller when it is unreachable', async () => {
    const up = fakeExecutor();
    const read = await readApi({ executor: up, inventory: inventory(true) }, novaServices);
    expect(read).toMatchObject({ ok: true, node: 'undercloud' });
    const down = fakeExecutor({ unreachable: ['undercloud'] });
    const failed = await readApi({ executor: down, inventory: inventory(true) }, novaServices);
    expect(failed).toMatchObject({ ok: false, node: 'undercloud', unreachable: true });
    expect(down.sent.map((s) => s.node)).toEqual(['undercloud']);
  });

  it("a runbook's follow-up says where it read the services, and only when it read them there", async () => {
    const rctx = (executor: Executor, inv: Inventory): RunbookContext => ({
      inventory: inv,
      executor,
      catalog: () => Promise.reject(new Error('no catalog here')),
      progress: () => undefined,
      sleep: () => Promise.resolve(),
      now: () => 0,
    });
    const up = await servicesStillDown(rctx(fakeExecutor(), inventory(true)));
    expect(up.notes).toEqual(['every neutron agent and nova service reports up (read on undercloud with /home/stack/overcloudrc)']);
    const down = await servicesStillDown(rctx(fakeExecutor({ unreachable: ['undercloud'] }), inventory(true)));
    expect(down.notes).toEqual([
      'nova services unknown: undercloud did not answer (connect ECONNREFUSED)',
      'neutron agents unknown: undercloud did not answer (connect ECONNREFUSED)',
    ]);
  });
});
