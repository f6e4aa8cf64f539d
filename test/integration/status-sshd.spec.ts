import { copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type StackmedicApp } from '../../src/app/create-app.js';
import { readEnvOptions } from '../../src/config/env.js';
import type { Actor } from '../../src/router/types.js';
import { startSshdCluster, type SshdCluster } from '../support/sshd.js';

const fixtures = join(import.meta.dirname, '../fixtures/probes');
const actor: Actor = { id: 'console:test', name: 'test', via: 'console' };

/**
 * Real OpenSSH nodes whose PATH holds stand-ins for the OpenStack tools, printing real outputs
 * captured from pacemaker, RabbitMQ, MariaDB/Galera, ceph and openstackclient (see the fixtures'
 * SOURCES.md). df, du, find, pgrep and test are the machine's own.
 */
describe('/cluster status against real sshd nodes', () => {
  let cluster: SshdCluster;
  let app: StackmedicApp;

  beforeAll(async () => {
    cluster = await startSshdCluster({ names: ['node-10', 'node-11', 'node-12', 'node-18'], roles: { 'node-18': ['compute'] } });
    const serve = (node: string, file: string, as: string): void => {
      const n = cluster.nodes.find((x) => x.name === node);
      if (!n) throw new Error(node);
      copyFileSync(join(fixtures, file), join(n.binDir, as));
      chmodSync(join(n.binDir, as), 0o644);
    };
    for (const node of ['node-10', 'node-11', 'node-12']) {
      serve(node, 'pacemaker/crm_mon_node-10-offline.xml', 'crm_mon.xml');
      serve(node, 'rabbitmq/cluster_status_3.10_json_disk_alarm.json', 'rabbit.json');
      serve(node, 'galera/wsrep_primary_synced_2_nodes.tsv', 'wsrep.tsv');
      serve(node, 'ceph/ceph_s_json_quincy_healthy_rook_doc.json', 'ceph.json');
      serve(node, 'openstack-cli/osc6_compute_service_list_seed-incident.json', 'nova.json');
      serve(node, 'openstack-cli/osc6_network_agent_list_seed-incident.json', 'neutron.json');
      const dir = cluster.nodes.find((x) => x.name === node)?.binDir ?? '';
      // node-10's pacemaker is stopped: crm_mon there prints what the real one prints without a CIB.
      cluster.script(
        node,
        'crm_mon',
        node === 'node-10' ? `echo 'crm_mon: Connection to cluster failed: Connection refused' >&2; exit 102` : `cat ${dir}/crm_mon.xml`,
      );
      cluster.script(node, 'rabbitmqctl', `cat ${dir}/rabbit.json`);
      cluster.script(node, 'mysql', `cat ${dir}/wsrep.tsv`);
      cluster.script(node, 'ceph', `cat ${dir}/ceph.json`);
      cluster.script(
        node,
        'openstack',
        `case "$*" in *"compute service list -f json"*) cat ${dir}/nova.json;; *"network agent list -f json"*) cat ${dir}/neutron.json;; *) echo "unexpected: $*" >&2; exit 2;; esac`,
      );
    }
    app = createApp({
      inventory: (await import('../../src/inventory/load.js')).loadInventory(cluster.inventoryPath),
      env: readEnvOptions({ STACKMEDIC_DB: ':memory:' }),
    });
  });

  afterAll(async () => {
    await app?.close();
    await cluster?.close();
  });

  it('reads every probe through real SSH and reports each area', async () => {
    const r = await app.router.dispatch({ text: '/cluster status', actor, role: 'viewer' });
    if (r.kind !== 'reply') throw new Error('expected a reply');
    const { title, text } = r.reply;
    expect(title).toMatch(/^CRITICAL: \d+ problems on \d+ nodes$/);
    // pacemaker: node-10's own crm_mon fails (exit 102), the view comes from node-11's real XML.
    expect(text).toMatch(/✘ Pacemaker +pacemaker not running on node-10: crm_mon: Connection to cluster failed: Connection refused/);
    expect(text).toMatch(/\d+ resources stopped on node-10: .*rabbitmq-clone/);
    // RabbitMQ: the real 3.10 JSON with a disk alarm.
    expect(text).toMatch(/disk alarm on rabbit\d?@\S+: publishers are blocked/);
    // nova and neutron: real openstackclient output of the seed state.
    expect(text).toMatch(/nova-compute DOWN on/);
    expect(text).toMatch(/agents? DOWN on/);
    // libvirt: this machine has no libvirtd, so the compute's real `test -S` and `pgrep` say so.
    expect(text).toMatch(/✘ libvirt +node-18: socket \/var\/run\/libvirt\/libvirt-sock missing, libvirtd not running/);
    // df ran for real on every node.
    expect(text).toMatch(/(✔|✘) Disk/);
    expect(text).toMatch(/Next:\n {2}\/pacemaker restart node-10\n {2}\/compute fix-libvirt node-18/);
  });

  it('sends the fixed probe commands, not shell built from input', async () => {
    const commands = (await app.services.audit.list(1))[0]?.remote.map((x) => x.command) ?? [];
    // The crm_mon chain, behind the kolla check (a kolla node without crm_mon says so instead).
    expect(commands).toContain(
      'if test -d /etc/kolla && ! command -v crm_mon >/dev/null 2>&1; then echo @@deployment kolla-ansible; else crm_mon --output-as=xml 2>/dev/null || crm_mon -1 -X 2>/dev/null || crm_mon -1 -r; fi',
    );
    expect(commands).toContain('openstack compute service list -f json');
    expect(commands.every((c) => !c.includes('$('))).toBe(true);
  });
});
