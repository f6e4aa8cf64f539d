import { describe, expect, it } from 'vitest';
import { simFacts } from '../../../src/sim/index.js';
import { simulate } from './helpers.js';

const CACHE = '/var/lib/cinder/conversion/tmpG3Ukq5';
const OPENRC = '. /root/openrc && ';

async function agentsAlive(sh: ReturnType<typeof simulate>['sh']): Promise<boolean[]> {
  const r = await sh('node-11', `${OPENRC}openstack network agent list -f json`);
  return (JSON.parse(r.stdout) as { Alive: boolean }[]).map((a) => a.Alive);
}

async function novaStates(sh: ReturnType<typeof simulate>['sh']): Promise<Record<string, string>> {
  const r = await sh('node-11', `${OPENRC}openstack compute service list -f json`);
  return Object.fromEntries(
    (JSON.parse(r.stdout) as { Binary: string; Host: string; State: string }[]).filter((s) => s.Binary === 'nova-compute').map((s) => [s.Host, s.State]),
  );
}

describe('seed-incident remediation', () => {
  it('starts broken exactly as the seed describes', async () => {
    const { sh, state } = simulate('seed-incident');
    expect((await sh('node-10', 'df -P -B1 /')).stdout).toMatch(/ 0 +100% \/\n$/);
    expect(await agentsAlive(sh)).not.toContain(true);
    expect(Object.values(await novaStates(sh))).toEqual(['down', 'down', 'down']);
    expect(await sh('node-18', 'test -S /var/run/libvirt/libvirt-sock')).toMatchObject({ code: 1 });
    expect((await sh('node-18', 'grep -c "Connection to libvirt failed" /var/log/nova/nova-compute.log')).stdout).toBe('1\n');
    expect(simFacts.amqpHealthy(state)).toBe(false);
  });

  it('heals completely when the fix runs in order: free disk, restart pacemaker, fix libvirt', async () => {
    const { sh, state } = simulate('seed-incident');
    expect((await sh('node-10', `fuser ${CACHE}`)).code).toBe(1);
    expect(await sh('node-10', `rm -f ${CACHE}`)).toMatchObject({ code: 0 });
    expect((await sh('node-10', 'df -P -B1 /')).stdout).not.toContain('100%');
    expect(await sh('node-10', 'service pacemaker restart')).toMatchObject({ code: 0 });
    const xml = (await sh('node-10', 'crm_mon --output-as=xml')).stdout;
    expect(xml).not.toContain('<failures>');
    expect(xml).not.toContain('role="Stopped"');
    const cs = JSON.parse((await sh('node-10', 'rabbitmqctl cluster_status --formatter json')).stdout) as { running_nodes: string[]; alarms: unknown[] };
    expect(cs.running_nodes.sort()).toEqual(['rabbit@node-10', 'rabbit@node-11', 'rabbit@node-12']);
    expect(cs.alarms).toEqual([]);
    expect(await agentsAlive(sh)).not.toContain(false);
    expect((await sh('node-10', 'grep -c "Reconnected to AMQP server" /var/log/neutron/neutron-l3-agent.log')).stdout).toBe('1\n');
    // Computes still need the seed's libvirt dance.
    expect(Object.values(await novaStates(sh))).toEqual(['down', 'down', 'down']);
    for (const n of ['node-18', 'node-19', 'node-20']) {
      for (const cmd of ['service nova-compute stop', 'service libvirtd stop', 'service libvirtd start', 'service nova-compute start']) {
        expect(await sh(n, cmd)).toMatchObject({ code: 0 });
      }
      expect((await sh(n, 'test -S /var/run/libvirt/libvirt-sock; echo $?')).stdout).toBe('0\n');
    }
    expect(await novaStates(sh)).toEqual({ 'node-18': 'up', 'node-19': 'up', 'node-20': 'up' });
    expect(simFacts.amqpHealthy(state)).toBe(true);
  });

  it('fails again with the disk alarm when pacemaker restarts before the disk is freed', async () => {
    const { sh } = simulate('seed-incident');
    await sh('node-10', 'service pacemaker restart');
    const xml = (await sh('node-10', 'crm_mon --output-as=xml')).stdout;
    expect(xml).toContain('op_key="p_rabbitmq-server_start_0" node="node-10"');
    expect((await sh('node-10', 'rabbitmqctl cluster_status --formatter json')).code).toBe(69);
    const log = (await sh('node-10', 'tail -n 40 /var/log/rabbitmq/rabbit@node-10.log')).stdout;
    expect(log).toContain('Disk free space insufficient. Free bytes:0 Limit:5000000');
    expect(log).toContain("disk resource limit alarm set on node 'rabbit@node-10'.");
    expect(await agentsAlive(sh)).not.toContain(true);
  });

  it('keeps the space used while cinder-volume holds the deleted file open', async () => {
    const { sh } = simulate('seed-incident', { holdConversionFile: true });
    const pid = (await sh('node-10', `lsof -t ${CACHE}`)).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await sh('node-10', `fuser ${CACHE}`)).toMatchObject({ stdout: ` ${pid}`, code: 0 });
    await sh('node-10', `rm -f ${CACHE}`);
    expect((await sh('node-10', 'df -P -B1 /')).stdout).toContain('100%');
    expect((await sh('node-10', 'lsof +L1')).stdout).toContain(`${CACHE} (deleted)`);
    await sh('node-10', 'service cinder-volume restart');
    expect((await sh('node-10', 'df -P -B1 /')).stdout).not.toContain('100%');
  });

  it('starting nova-compute without the libvirt socket logs the error and stays down', async () => {
    const { sh } = simulate('libvirt-socket-missing');
    await sh('node-18', 'systemctl restart nova-compute');
    expect((await novaStates(sh))['node-18']).toBe('down');
    expect((await sh('node-18', 'grep -c "Connection to libvirt failed" /var/log/nova/nova-compute.log')).stdout).toBe('2\n');
    expect((await sh('node-18', 'systemctl is-active libvirtd')).stdout).toBe('inactive\n');
    await sh('node-18', 'systemctl stop nova-compute; systemctl start libvirtd; systemctl start nova-compute');
    expect((await novaStates(sh))['node-18']).toBe('up');
  });
});

describe('rabbit-inconsistent-cluster', () => {
  it('refuses start_app with the real 3.10 error', async () => {
    const { sh } = simulate('rabbit-inconsistent-cluster');
    const r = await sh('node-10', 'rabbitmqctl start_app');
    expect(r.code).toBe(69);
    expect(r.stdout).toBe('Starting node rabbit@node-10 ...\n');
    expect(r.stderr).toContain("{:inconsistent_cluster, 'Node rabbit@node-10 thinks it\\'s clustered with node rabbit@node-11, but rabbit@node-11 disagrees'}");
    expect((await sh('node-10', 'grep -c inconsistent_cluster /var/log/rabbitmq/rabbit@node-10.log')).stdout).toBe('2\n');
  });

  it('heals with stop_app, reset, join_cluster, start_app (forget says the node is already gone)', async () => {
    const { sh, state } = simulate('rabbit-inconsistent-cluster');
    const forget = await sh('node-11', 'rabbitmqctl forget_cluster_node rabbit@node-10');
    expect(forget).toMatchObject({ code: 69 });
    expect(forget.stderr).toContain('not_a_cluster_node');
    for (const cmd of ['rabbitmqctl stop_app', 'rabbitmqctl reset', 'rabbitmqctl join_cluster rabbit@node-11', 'rabbitmqctl start_app']) {
      expect(await sh('node-10', cmd)).toMatchObject({ code: 0 });
    }
    await sh('node-10', 'crm resource cleanup p_rabbitmq-server node-10');
    const cs = JSON.parse((await sh('node-12', 'rabbitmqctl cluster_status --formatter json')).stdout) as { running_nodes: string[] };
    expect(cs.running_nodes.sort()).toEqual(['rabbit@node-10', 'rabbit@node-11', 'rabbit@node-12']);
    expect(simFacts.amqpHealthy(state)).toBe(true);
    expect(await agentsAlive(sh)).not.toContain(false);
  });

  it('rejects join_cluster from the peer side after force_reset without forget_cluster_node', async () => {
    const { sh } = simulate('healthy');
    await sh('node-12', 'rabbitmqctl stop_app');
    await sh('node-12', 'rabbitmqctl force_reset');
    const j = await sh('node-12', 'rabbitmqctl join_cluster rabbit@node-10');
    expect(j.code).toBe(69);
    expect(j.stderr).toContain("Node rabbit@node-10 thinks it\\'s clustered with node rabbit@node-12, but rabbit@node-12 disagrees");
    expect((await sh('node-10', 'rabbitmqctl forget_cluster_node rabbit@node-12')).code).toBe(0);
    expect((await sh('node-12', 'rabbitmqctl join_cluster rabbit@node-10')).code).toBe(0);
    expect((await sh('node-12', 'rabbitmqctl start_app')).code).toBe(0);
  });

  it('needs the app stopped for reset (exit 64) and running for cluster_status', async () => {
    const { sh } = simulate('healthy');
    const r = await sh('node-10', 'rabbitmqctl reset');
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("requires the 'rabbit' app to be stopped");
    await sh('node-10', 'rabbitmqctl stop_app');
    expect((await sh('node-10', 'rabbitmqctl cluster_status --formatter json')).code).toBe(64);
    expect((await sh('node-10', "rabbitmqctl eval 'rabbit_disk_monitor:get_disk_free_limit().'")).stdout).toBe('5000000\n');
  });
});

describe('partition', () => {
  it('shows the partition from both sides until the minority restarts its app', async () => {
    const { sh, state } = simulate('partition');
    const a = JSON.parse((await sh('node-10', 'rabbitmqctl cluster_status --formatter json')).stdout) as {
      partitions: Record<string, string[]>;
      running_nodes: string[];
    };
    expect(a.running_nodes).toEqual(['rabbit@node-10']);
    expect(a.partitions).toEqual({ 'rabbit@node-10': ['rabbit@node-11', 'rabbit@node-12'] });
    await sh('node-10', 'rabbitmqctl stop_app && rabbitmqctl start_app');
    expect(simFacts.amqpHealthy(state)).toBe(true);
  });
});

describe('scale', () => {
  it('builds 500 nodes cheaply and only materialises logs that are read', async () => {
    const t0 = Date.now();
    const { sh, state } = simulate('seed-incident', { controllers: 3, computes: 497 });
    expect(state.nodes.size).toBe(500);
    expect((await sh('node-514', 'hostname')).stdout).toBe('node-514\n');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe('log growth', () => {
  it('keeps adding timestamped AMQP retry lines while RabbitMQ is down', async () => {
    const { sh, clock } = simulate('seed-incident');
    const count = async (): Promise<number> => Number((await sh('node-11', 'grep -c "is unreachable" /var/log/nova/nova-conductor.log')).stdout);
    const before = await count();
    clock.advance(5 * 60_000);
    const after = await count();
    expect(after).toBeGreaterThan(before);
    const last = (await sh('node-11', 'tail -n 1 /var/log/nova/nova-conductor.log')).stdout;
    expect(last).toMatch(
      /^2017-02-15 06:3\d:\d\d\.\d{3} \d+ ERROR oslo\.messaging\._drivers\.impl_rabbit \[req-[0-9a-f-]{36} - - - - -\] AMQP server on 192\.168\.0\.6:5673 is unreachable/,
    );
  });
});
