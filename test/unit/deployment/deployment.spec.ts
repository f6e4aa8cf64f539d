import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inContainer, stoppedContainer } from '../../../src/deployment/container-script.js';
import { deploymentOf } from '../../../src/deployment/describe.js';
import { kollaConversionDir, kollaContainerUnit, volumeDataDir } from '../../../src/deployment/kolla.js';
import { nodeDeployment } from '../../../src/deployment/probe.js';
import { parseDeployment } from '../../../src/deployment/types.js';
import { takeSnapshot } from '../../../src/health/snapshot.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { galeraStatus } from '../../../src/probes/galera-status.js';
import { libvirtStatus } from '../../../src/probes/libvirt-status.js';
import { pacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { rabbitmqStatus } from '../../../src/probes/rabbitmq-status.js';
import { conversionDirOf, spaceHogCategory } from '../../../src/probes/space-hogs.js';
import type { Probe } from '../../../src/probes/types.js';
import type { Executor } from '../../../src/ssh/types.js';
import { ShellScript } from '../../../src/ssh/shell.js';
import { createClusterState } from '../../../src/sim/create.js';
import { execOnNode } from '../../../src/sim/exec.js';
import type { ClusterState } from '../../../src/sim/state/types.js';

/** Runs a probe's own command on a simulated node and parses it with the probe's own reader. */
async function probeOn<T>(c: ClusterState, node: string, probe: Probe<T>) {
  const n = c.nodes.get(node);
  if (!n) throw new Error(node);
  const r = await execOnNode(c, n, probe.command.script.text);
  return { run: r, parsed: probe.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code }) };
}

describe('deployment names in inventories', () => {
  it.each([
    ['kolla', 'kolla-ansible'],
    ['Kolla-Ansible', 'kolla-ansible'],
    ['kayobe', 'kolla-ansible'],
    ['classic', 'classic'],
    ['tripleo', 'tripleo'],
    ['director', 'tripleo'],
    ['openshift', undefined],
  ])('%s reads as %s', (typed, expected) => {
    expect(parseDeployment(typed)).toBe(expected);
  });
});

describe("kolla-ansible's layout", () => {
  it("puts cinder's conversion dir in the cinder volume, per engine, and names kolla's systemd units", () => {
    expect(kollaConversionDir('docker')).toBe('/var/lib/docker/volumes/cinder/_data/conversion');
    expect(volumeDataDir('podman', 'cinder')).toBe('/var/lib/containers/storage/volumes/cinder/_data');
    expect(kollaContainerUnit('rabbitmq')).toBe('kolla-rabbitmq-container.service');
  });

  it('treats only plain names inside a known conversion dir as conversion leftovers', () => {
    expect(spaceHogCategory('/var/lib/docker/volumes/cinder/_data/conversion/tmpG3Ukq5')).toBe('cinder-conversion');
    expect(conversionDirOf('/var/lib/docker/volumes/cinder/_data/conversion/tmpG3Ukq5')).toBe('/var/lib/docker/volumes/cinder/_data/conversion');
    expect(conversionDirOf('/var/lib/docker/volumes/cinder/_data/conversion/../../../../etc/passwd')).toBeUndefined();
    expect(spaceHogCategory('/var/lib/docker/volumes/glance/_data/images/x')).toBe('other');
  });
});

describe('probes on simulated kolla and classic nodes', () => {
  const kolla = createClusterState({ scenario: 'kolla-seed-incident', controllers: 3, computes: 1 });
  const classic = createClusterState({ scenario: 'healthy', controllers: 3, computes: 1 });

  it('detects kolla-ansible (docker, its containers) and a classic node', async () => {
    const k = await probeOn(kolla, 'node-11', nodeDeployment);
    expect(k.parsed.kind === 'ok' && k.parsed.value.deployment).toBe('kolla-ansible');
    expect(k.parsed.kind === 'ok' && k.parsed.value.engine).toBe('docker');
    expect(k.parsed.kind === 'ok' && k.parsed.value.containers).toEqual(expect.arrayContaining(['rabbitmq', 'mariadb', 'haproxy']));
    const c = await probeOn(classic, 'node-11', nodeDeployment);
    expect(c.parsed).toEqual({ kind: 'ok', value: { deployment: 'classic', engine: undefined, containers: [], systemdUnits: false } });
  });

  it('runs rabbitmqctl inside the rabbitmq container, and reads a stopped container as RabbitMQ down', async () => {
    const up = await probeOn(kolla, 'node-11', rabbitmqStatus);
    expect(up.parsed.kind === 'ok' && up.parsed.value.running).toBe(true);
    const down = await probeOn(kolla, 'node-10', rabbitmqStatus);
    expect(stoppedContainer(down.run.stdout)).toEqual({ container: 'rabbitmq', engine: 'docker' });
    expect(down.parsed).toEqual({
      kind: 'ok',
      value: { running: false, node: undefined, state: 'node-down', message: 'docker container rabbitmq is not running' },
    });
  });

  it('reads Galera inside mariadb and libvirt inside nova_libvirt', async () => {
    const g = await probeOn(kolla, 'node-11', galeraStatus);
    expect(g.parsed.kind === 'ok' && g.parsed.value.running).toBe(true);
    const l = await probeOn(kolla, 'node-18', libvirtStatus);
    expect(l.parsed).toEqual({ kind: 'ok', value: { socketPresent: false, daemonRunning: true } });
  });

  it('says pacemaker is not used on kolla, and still reads crm_mon on a classic node', async () => {
    const k = await probeOn(kolla, 'node-11', pacemakerStatus);
    expect(k.parsed.kind === 'ok' && k.parsed.value.running && k.parsed.value.notUsedBy).toBe('kolla-ansible');
    const c = await probeOn(classic, 'node-11', pacemakerStatus);
    expect(c.parsed.kind === 'ok' && c.parsed.value.running && c.parsed.value.notUsedBy).toBeUndefined();
    expect(c.parsed.kind === 'ok' && c.parsed.value.running && c.parsed.value.nodes.length).toBe(3);
  });

  it('runs the host tool where no container of that name exists', async () => {
    const script = inContainer('rabbitmq', ShellScript.raw('echo host'));
    const n = classic.nodes.get('node-10');
    if (!n) throw new Error('node-10');
    expect((await execOnNode(classic, n, script.text)).stdout).toBe('host\n');
  });
});

describe('the deployment line of /cluster status', () => {
  const simExecutor = (c: ClusterState): Executor =>
    ({
      async exec(node: string, command: { script: ShellScript }) {
        const n = c.nodes.get(node);
        if (!n) throw new Error(node);
        const r = await execOnNode(c, n, command.script.text);
        return { ok: true, node, command: command.script.text, stdout: r.stdout, stderr: r.stderr, exitCode: r.code, durationMs: 1 };
      },
    }) as unknown as Executor;
  const inventoryOf = (c: ClusterState, extra: Partial<Inventory> = {}): Inventory => ({
    cluster: 'x',
    knownHostsPath: '/dev/null',
    nodes: [...c.nodes.values()].map((n) => ({ name: n.name, address: '127.0.0.1', port: 22, user: 'root', roles: [...n.roles], become: false })),
    jumpHosts: [],
    source: 'test',
    ...extra,
  });

  it('is detected from the nodes when the inventory does not say, and the inventory wins when it does', async () => {
    const c = createClusterState({ scenario: 'kolla-healthy', controllers: 3, computes: 1 });
    const snap = await takeSnapshot(inventoryOf(c), simExecutor(c), { probes: [pacemakerStatus] });
    expect(deploymentOf(inventoryOf(c), snap)).toEqual({ deployment: 'kolla-ansible', source: 'detected on node-10: /etc/kolla, no pacemaker' });
    expect(deploymentOf(inventoryOf(c, { deployment: 'kolla-ansible' }), snap).source).toBe('set in the inventory');
    const classic = createClusterState({ scenario: 'healthy', controllers: 3, computes: 1 });
    const snap2 = await takeSnapshot(inventoryOf(classic), simExecutor(classic), { probes: [pacemakerStatus] });
    expect(deploymentOf(inventoryOf(classic), snap2).deployment).toBe('classic');
  });
});

describe('deployment in the inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-deployment-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads stackmedic YAML's deployment per cluster and per node, and defaults kolla's openrc", () => {
    const path = join(dir, 'inventory.yml');
    writeFileSync(
      path,
      [
        'cluster: k',
        'known_hosts: /dev/null',
        'deployment: kolla',
        'nodes:',
        '  - { name: c1, address: 10.0.0.1, roles: [controller] }',
        '  - { name: old, address: 10.0.0.2, roles: [compute], deployment: classic }',
        '',
      ].join('\n'),
    );
    const inv = loadInventory(path);
    expect(inv.deployment).toBe('kolla-ansible');
    expect(inv.openrcPath).toBe('/etc/kolla/admin-openrc.sh');
    expect(inv.nodes.map((n) => n.deployment)).toEqual([undefined, 'classic']);
  });

  it('refuses a deployment it does not know, naming the field', () => {
    const path = join(dir, 'bad.yml');
    writeFileSync(path, 'known_hosts: /dev/null\ndeployment: juju\nnodes:\n  - { name: c1, address: 10.0.0.1, roles: [controller] }\n');
    expect(() => loadInventory(path)).toThrow(/deployment/);
  });

  it('reads stackmedic_deployment from Ansible group vars', () => {
    const path = join(dir, 'multinode');
    writeFileSync(
      path,
      '[control]\ncontrol01 ansible_host=10.0.0.1\n\n[compute]\ncompute01 ansible_host=10.0.0.2\n\n[all:vars]\nstackmedic_deployment=kolla\n',
    );
    const inv = loadInventory(path, { knownHostsPath: '/dev/null' });
    expect(inv.nodes.map((n) => [n.name, n.deployment])).toEqual([
      ['control01', 'kolla-ansible'],
      ['compute01', 'kolla-ansible'],
    ]);
  });
});
