import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../src/signatures/catalog-error.js';
import { buildCatalog } from '../../../src/signatures/catalog.js';
import { diagnoseDirectory } from '../../../src/signatures/diagnose.js';
import { logFetchCommand, matchFetchedLogs, parseLogFetchOutput } from '../../../src/signatures/fetch-command.js';
import { readChain } from '../../../src/signatures/chain.js';
import { LogMatcher, type LogFinding } from '../../../src/signatures/matcher.js';
import { isEmptyLogSignature, isLogSignature } from '../../../src/signatures/schema.js';
import { applyThresholds } from '../../../src/signatures/threshold.js';
import { builtinCatalog, fixturePath, logFixture, matchAll } from './support.js';

/**
 * The catalog's families on real lines (sources in test/fixtures/logs/real/SOURCE.md and
 * test/fixtures/logs/SOURCES.md): [fixture, signature, records firing it, a field it captures].
 */
const REAL: readonly [string, string, number, Record<string, string>][] = [
  // RabbitMQ
  ['real/rabbitmq/hotsos_cluster_logchecks.log', 'rabbit-mirror-not-synchronised', 1, { queue: 'rmq-two-queue', vhost: '/' }],
  ['real/rabbitmq/hotsos_cluster_logchecks.log', 'rabbit-discarded-messages', 1, { old: '3', current: '1' }],
  ['real/rabbitmq/hotsos_cluster_logchecks.log', 'rabbit-partition', 1, { peer: 'rabbit@hostname2' }],
  [
    'real/rabbitmq/hotsos_lp1943937_queue_declare_timeout.log',
    'rabbit-queue-operation-timeout',
    1,
    { queue: 'test_exchange_queue', vhost: 'nagios-rabbitmq-server-0' },
  ],
  [
    'real/rabbitmq/rabbitmq_server_issue3836_mnesia_tables.log',
    'rabbit-mnesia-tables-timeout',
    1,
    { peers: "'rabbit@rabbitcheck-crmq-1','rabbit@rabbitcheck-crmq-0'" },
  ],
  // Written by a real RabbitMQ 3.10.8 (Debian 12) here: the disk alarm set, then cleared.
  ['real/rabbitmq/local_rabbitmq_3.10.8_disk_alarm_set_cleared.log', 'rabbit-disk-alarm', 2, { rabbitNode: 'rabbit1@localhost' }],
  ['real/rabbitmq/local_rabbitmq_3.10.8_disk_alarm_set_cleared.log', 'rabbit-disk-alarm-cleared', 1, { rabbitNode: 'rabbit1@localhost' }],
  ['real/rabbitmq/amqplib_issue151_missed_heartbeats.log', 'rabbit-missed-heartbeats', 1, { timeout: '8' }],
  ['real/rabbitmq/rabbitmq_server_issue1670_out_of_fds.log', 'rabbit-fd-exhausted', 2, {}],
  ['../diagnose/clean-restart/juju-04f1e3-1-lxd-5/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log', 'rabbit-started', 2, { plugins: '3' }],
  ['../diagnose/clean-restart/juju-04f1e3-1-lxd-5/var/log/rabbitmq/startup_log', 'rabbit-started', 1, { plugins: '3' }],
  [
    'real/rabbitmq/snap_logs_collector_client_closed_tcp_UNATTRIBUTED.log',
    'rabbit-connections-dropped',
    2,
    { client: '10.0.0.1:40004', server: '10.0.0.1:5672', clientName: 'nova-compute' },
  ],
  ['real/rabbitmq/docker_compose_client_closed_tcp_UNATTRIBUTED.log', 'rabbit-connections-dropped', 1, {}],
  [
    'real/rabbitmq/rabbitmq_server_issue10753_khepri_timeout.log',
    'rabbit-khepri-timeout',
    1,
    { rabbitNode: 'rabbit@foobar-s5000-server-1.foobar-s5000-nodes.chaos-tests' },
  ],
  // oslo.messaging
  ['real/oslo-messaging/hotsos_sosreport_dhcp_agent_econnrefused.log', 'amqp-unreachable', 4, { reason: '[Errno 111] ECONNREFUSED', retrySeconds: '2.0' }],
  ['real/oslo-messaging/hotsos_lp1934937_enetunreach_greenlet.log', 'amqp-network-unreachable', 1, { retrySeconds: '0' }],
  ['real/oslo-messaging/hotsos_lp1934937_enetunreach_greenlet.log', 'amqp-heartbeat-thread-crash', 1, {}],
  ['real/oslo-messaging/hotsos_lp1934937_syslog.log', 'amqp-heartbeat-thread-crash', 1, {}],
  ['../diagnose/clean-restart/compute4/var/log/neutron/neutron-dhcp-agent.log.1', 'messaging-timeout', 6, { messageId: 'b1bf8a98927344d3b5ddaf00c9f1e87a' }],
  ['real/oslo-messaging/yaookctl_readme_reconnected.log', 'amqp-reconnect-storm', 3, { host: 'neutron-smq9g.yaook', port: '5671' }],
  ['real/oslo-messaging/yaookctl_readme_reconnected.log', 'amqp-reconnected', 3, { host: 'neutron-smq9g.yaook' }],
  [
    'real/oslo-messaging/scs_standards_issue544_reply_dropped.log',
    'amqp-reply-dropped',
    1,
    { queue: 'reply_3a06eb20db5d46318534af475f7c46c5', messageId: '1ffd3e1fb22d4007bc6b16c5d784f430' },
  ],
  // nova / libvirt / qemu
  ['real/nova/hotsos_lp1860743_live_migration_uri.log', 'nova-live-migration-uri-failed', 1, { uri: 'qemu+ssh://10.35.102.62/system' }],
  ['real/nova/hotsos_lp1944619_pci_in_use.log', 'nova-pci-device-in-use', 1, { address: '0000:03:04.1', domain: 'instance-00000001' }],
  ['real/nova/hotsos_lp1967956_storage_permission.log', 'nova-instance-storage-permission-denied', 1, { uid: '64055', gid: '108' }],
  ['real/nova/hotsos_lp1972028_node_device.log', 'nova-node-device-race', 2, { device: 'net_tap8b08ec90_e5_fe_16_3e_0f_0a_d4' }],
  [
    'real/nova/hotsos_lp1761062_destination_disk_exists.log',
    'nova-resize-leftover-disk',
    1,
    { path: '/var/lib/nova/instances/d8db3f2a-cd8f-48e1-9951-012d762664b2' },
  ],
  ['elastic-recheck/1451506.yaml', 'nova-libvirt-connection-broken', 1, {}],
  ['elastic-recheck/1252947.yaml', 'nova-libvirt-connection-broken', 1, {}],
  ['elastic-recheck/1643911.yaml', 'libvirtd-crashed', 1, {}],
  ['elastic-recheck/1334398.yaml', 'nova-qemu-monitor-error', 1, {}],
  ['elastic-recheck/1526989.yaml', 'nova-qemu-monitor-error', 1, {}],
  ['elastic-recheck/1342909.yaml', 'nova-qemu-monitor-error', 1, {}],
  ['elastic-recheck/1694490.yaml', 'nova-live-migration-uri-failed', 1, {}],
  // neutron / OVS / OVN
  ['elastic-recheck/1802640.yaml', 'neutron-ovsdb-timeout', 1, { command: 'ovsdbapp.schema.open_vswitch.commands.SetFailModeCommand' }],
  ['real/neutron/hotsos_lp1907686_ovn_sb_timeout.log', 'ovn-db-connection-failed', 1, { database: 'OVN_Southbound', reason: 'Timeout' }],
  ['real/neutron/hotsos_ovn_stale_db_neutron_server.log', 'ovn-db-stale-data', 10, { server: 'ssl:10.5.3.204:16642' }],
  ['real/neutron/hotsos_ovn_stale_db_ovn_controller.log', 'ovn-db-stale-data', 10, { server: 'tcp:10.5.0.4:6642' }],
  ['real/neutron/hotsos_ovndb_nb_leader_bouncing.log', 'ovn-db-leader-bouncing', 124, { server: 'ssl:10.22.0.244:6641' }],
  ['real/neutron/hotsos_sosreport_ovsdb_nb_inactivity_probe.log', 'ovsdb-inactivity-probe-timeout', 1, { peer: 'ssl:10.130.11.115:50350', seconds: '60' }],
  ['real/neutron/hotsos_lp1928031_metadata_sb_idl.log', 'neutron-metadata-agent-failed', 1, { attribute: 'sb_idl' }],
  ['real/neutron/hotsos_lp1965297_ha_gateway.log', 'neutron-l3-ha-router-broken', 1, { router: '9f276b0e-8581-4312-8780-ff4503c3df07' }],
  ['real/neutron/hotsos_lp1979089_qrouter_namespace.log', 'neutron-l3-ha-router-broken', 10, { namespace: 'qrouter-57837a95-ed3b-4a1b-9393-1374a8c744c3' }],
  ['real/neutron/hotsos_lp1896506_keepalived_no_track.log', 'neutron-l3-ha-keepalived-no-track', 1, {}],
  // scheduling and placement
  ['real/scheduling/magnum_cluster_api_issue467_filter_results.log', 'nova-no-valid-host', 1, { filter: 'FailureDomainFilter' }],
  ['real/scheduling/openstack_solution_issue23_nova_filter_results.log', 'nova-no-valid-host', 1, { filter: 'AvailabilityZoneFilter' }],
  ['elastic-recheck/1372093.yaml', 'nova-no-valid-host', 1, {}],
  // oslo.db: the database unreachable (hotsos's Sunbeam sosreport, pymysql#224's nova-api.log), a Galera node refusing queries
  ['real/oslo-db/hotsos_sunbeam_nova_scheduler_db_unreachable.log', 'db-connection-failed', 5, { code: '2003', reason: "Can't connect to MySQL server" }],
  ['real/oslo-db/hotsos_sunbeam_placement_db_unreachable.log', 'db-connection-failed', 3, { code: '2003' }],
  ['real/oslo-db/pymysql_issue224_nova_api_gone_away.log', 'db-connection-failed', 1, { code: '2006', reason: 'MySQL server has gone away' }],
  ['real/oslo-db/hotsos_sunbeam_placement_api_operational_error.log', 'db-connection-failed', 1, { code: '2003' }],
  // Written by neutron's own process monitor (Debian 12's python3-neutron 21.0.0) here, over children that die at once.
  [
    'real/neutron/local_neutron_21.0.0_process_monitor_respawn.log',
    'neutron-l3-ha-process-respawning',
    12,
    { service: 'keepalived', router: '8f14f808-c23a-422b-a3a8-7fb747e89676' },
  ],
  ['real/neutron/hotsos_lp1929832_rootwrap_unauthorized.log', 'neutron-rootwrap-unauthorized', 1, { command: 'kill -15 365134' }],
  ['real/neutron/hotsos_lp1960319_ovsdb_client_missing.log', 'neutron-ovsdb-client-missing', 2, {}],
  ['real/nova/hotsos_lp1904580_migration_ssh_key.log', 'nova-migration-ssh-failed', 1, { operation: 'Resize' }],
  ['real/neutron/hotsos_ovs_dpif_lost_packets.log', 'ovs-upcall-packets-lost', 10, { datapath: 'system@ovs-system', channel: '0' }],
  ['real/neutron/hotsos_sunbeam_ovn_hash_ring_empty.log', 'neutron-ovn-hash-ring-empty', 2, { nodes: '4' }],
  ['real/oslo-db/galera_issue680_wsrep_not_prepared.log', 'db-connection-failed', 1, { reason: 'WSREP has not yet prepared node for application use' }],
  ['real/scheduling/cnf_testbed_issue101_vif_plugged_timeout.log', 'nova-vif-plugging-timeout', 1, { port: 'bab165e0-4a9c-459e-9120-d8c2e5e8794a' }],
  ['elastic-recheck/1813789.yaml', 'nova-vif-plugging-timeout', 1, {}],
  ['real/scheduling/install_yamls_issue871_cinder_no_valid_backend.log', 'cinder-no-valid-backend', 2, { reason: 'No weighed backends available' }],
  // keystone and APIs
  ['real/keystone/hotsos_token_auth_failed_nova.log', 'keystone-token-validation-failures', 5, {}],
  ['real/keystone/hotsos_lp1896125_ldap_pool.log', 'keystone-ldap-pool-exhausted', 1, { uri: 'ldaps://ldapserver.example.com' }],
  ['real/keystone/yunohost_issue2105_ldap_server_down.log', 'keystone-ldap-server-down', 1, { reason: 'Connection refused' }],
  [
    'real/keystone/blog_fernet_key_repository_UNATTRIBUTED.log',
    'keystone-fernet-keys-unusable',
    1,
    { group: 'fernet_tokens', path: '/etc/keystone/fernet-keys/' },
  ],
  ['real/keystone/nixys_powervc_fernet_key_invalid.log', 'keystone-fernet-keys-unusable', 1, {}],
  // An operator's quote of the log (token elided), not a whole keystone.log line.
  ['real/keystone/kolla_ansible_d5cef35a_fernet_over_rotated.log', 'keystone-fernet-keys-unusable', 1, {}],
  // pacemaker and corosync
  ['real/pacemaker/clusterlabs_doc_monitor_timed_out.log', 'pacemaker-resource-operation-failed', 1, { operation: 'monitor', resource: 'rn2', host: 'node1' }],
  ['real/pacemaker/corosync_issue6_quorum_lost.log', 'corosync-quorum-lost', 2, {}],
  ['real/pacemaker/corosync_issue611_node_lost.log', 'pacemaker-node-lost', 2, { peer: 'node1' }],
  // Pacemaker 2 words it without a membership number; corosync and pacemakerd say it too.
  ['real/pacemaker/hotsos_vault_quorum_lost_acquired.log', 'corosync-quorum-lost', 1, {}],
  ['real/pacemaker/hotsos_vault_quorum_lost_acquired.log', 'corosync-quorum-regained', 3, {}],
  // A named peer only: "Node (null) state is now member" says nothing of which node came back.
  ['real/pacemaker/hotsos_vault_quorum_lost_acquired.log', 'pacemaker-node-rejoined', 1, { peer: 'juju-04f1e3-0-lxd-5' }],
  ['real/pacemaker/fence_agents_issue530_fenced.log', 'pacemaker-node-fenced', 2, { action: 'reboot', target: 'cn1', by: 'cn2' }],
  // Galera / MariaDB
  ['real/galera/galera_issue462_sst_failed.log', 'galera-sst-failed', 2, { code: '-22', reason: 'Invalid argument' }],
  ['real/galera/pxc_sst_failed_on_donor_UNATTRIBUTED.log', 'galera-sst-failed', 1, {}],
  ['real/galera/galera_issue474_primary_view.log', 'galera-primary-restored', 1, {}],
  ['real/galera/lp1691545_too_many_connections.log', 'galera-too-many-connections', 1, {}],
  ['real/galera/wordops_issue543_mariadbd_oom_killed.log', 'galera-mysqld-oom-killed', 2, { pid: '40975', process: 'mariadbd' }],
  ['real/galera/worldcubeassociation_issue1629_cgroup_oom_mysqld.log', 'galera-mysqld-oom-killed', 1, { pid: '71414', process: 'mysqld' }],
  ['real/galera/hotsos_lp372017_buffer_pool.log', 'galera-innodb-buffer-pool-exhausted', 1, { iterations: '21' }],
  ['real/galera/mariadb_page_corruption_UNATTRIBUTED.log', 'galera-innodb-corruption', 1, {}],
  ['real/galera/mysql8_page_corruption_blog_UNATTRIBUTED.log', 'galera-innodb-corruption', 1, {}],
  // Ceph
  ['real/ceph/hotsos_mon_elections.log', 'ceph-mon-election-storm', 6, { mon: 'test' }],
  ['real/ceph/hotsos_osd_flapping.log', 'ceph-osd-flapping', 2, { osd: 'osd.70' }],
  ['real/ceph/hotsos_slow_ops.log', 'ceph-slow-ops', 4, { ops: '3', seconds: '65' }],
  ['real/ceph/hotsos_bluestore_latency.log', 'ceph-slow-ops', 8, { ops: '256' }],
  ['real/ceph/billimek_k8s_gitops_issue3_slow_ops_cleared.log', 'ceph-slow-ops', 1, { ops: '2', seconds: '262920' }],
  ['real/ceph/billimek_k8s_gitops_issue3_slow_ops_cleared.log', 'ceph-slow-ops-cleared', 1, {}],
  // A probing monitor's own slow ops are its quorum trouble, not client I/O (hotsos's ceph-mon sosreport).
  ['real/ceph/hotsos_sosreport_mon_probing.log', 'ceph-mon-probing', 6, { mon: 'juju-04f1e3-1-lxd-0', ops: '2' }],
  ['indexed/ceph_cluster_log_mon_down_UNATTRIBUTED.log', 'ceph-mon-probing-ended', 1, {}],
  ['real/ceph/hotsos_slow_heartbeats.log', 'ceph-osd-slow-heartbeats', 10, { side: 'back', from: 'osd.304' }],
  ['real/ceph/hotsos_laggy_pgs.log', 'ceph-laggy-pgs', 30, { laggy: '4' }],
  ['real/ceph/hotsos_osd_crash_signal.log', 'ceph-osd-crashed', 1, { signal: 'Segmentation fault' }],
  ['real/ceph/hotsos_osd_crash_assert.log', 'ceph-osd-crashed', 2, { signal: 'Aborted' }],
  ['real/ceph/hotsos_rocksdb_corruption.log', 'ceph-rocksdb-corruption', 6, { detail: 'block checksum mismatch' }],
  ['real/ceph/hotsos_rocksdb_slow_compaction.log', 'ceph-osd-op-thread-timeout', 6, { seconds: '15.000000954' }],
  ['real/ceph/hotsos_bluestore_latency.log', 'ceph-bluestore-slow-operation', 12, { operation: 'submit_transact' }],
  ['real/ceph/hotsos_pg_overdose.log', 'ceph-pg-hard-limit', 1, { pgs: '813', limit: '750' }],
  // kernel and host
  ['real/kernel/hotsos_disk_failure_medium.log', 'host-disk-io-error', 1, { kind: 'critical medium error', device: 'sdk' }],
  ['real/kernel/hotsos_disk_failure_io_error.log', 'host-disk-io-error', 1, { kind: 'I/O error', device: 'sdk' }],
  ['real/kernel/hotsos_disk_failure_sense.log', 'host-disk-io-error', 2, { kind: 'Medium Error', device: 'sdb' }],
  ['real/kernel/coreos_bugs_1811_read_only.log', 'host-fs-read-only', 1, { device: 'xvda9' }],
  ['real/kernel/hotsos_oom_killer.log', 'host-oom-kill', 1, { pid: '955', process: 'gnome-shell' }],
  ['real/kernel/hotsos_hung_task.log', 'host-hung-task', 1, { task: 'df', seconds: '120' }],
  ['real/kernel/pf_ring_issue293_link_down.log', 'host-nic-link-down', 1, { interface: 'eth11' }],
  ['real/kernel/pf_ring_issue293_link_down.log', 'host-nic-link-up', 1, { interface: 'eth11' }],
  ['real/kernel/hotsos_nf_conntrack_full.log', 'host-conntrack-table-full', 1, {}],
  ['real/kernel/hotsos_over_mtu_dropped.log', 'host-over-mtu-packets-dropped', 15, { interface: 'tap0e778df8-ca', size: '8950', mtu: '1450' }],
  ['real/kernel/meta_balena_issue403_journald_enospc.log', 'host-enospc', 1, { service: 'systemd-journald' }],
  ['real/kernel/lxd_issue1961_cgroup_mkdir_enospc.log', 'host-cgroup-enospc', 1, { path: '/sys/fs/cgroup/memory//lxc/test123' }],
  ['real/kernel/containerd_cgroups_issue48_cgroup_procs_enospc.log', 'host-cgroup-enospc', 1, { path: '/sys/fs/cgroup/cpuset/test/cgroup.procs' }],
];

describe('the catalog on real lines of every family', () => {
  it.each(REAL)('%s fires %s', async (file, signature, count, fields) => {
    const findings = (await matchAll(logFixture(file))).filter((f) => f.signature === signature);
    expect(findings).toHaveLength(count);
    expect(findings.some((f) => Object.entries(fields).every(([k, v]) => f.fields[k] === v))).toBe(true);
  });

  it('gives every signature a public reference or a probe behind it, and every log signature a real-line test', async () => {
    const { signatures } = await builtinCatalog();
    const tested = new Set(REAL.map(([, id]) => id));
    // Covered by test/unit/signatures/matcher.spec.ts on the seed and earlier real fixtures.
    for (const id of [
      'root-disk-full',
      'cinder-image-too-large',
      'cinder-backend-full',
      'rabbit-disk-alarm',
      'rabbit-memory-alarm',
      'rabbit-memory-alarm-cleared',
    ])
      tested.add(id);
    for (const id of [
      'rabbit-enospc-shutdown',
      'rabbit-stopped',
      'rabbit-boot-failed',
      'rabbit-inconsistent-cluster',
      'amqp-reconnected',
      'nova-compute-libvirt-socket',
    ])
      tested.add(id);
    for (const id of ['neutron-agent-heartbeat-lost', 'galera-non-primary', 'ceph-mon-out-of-quorum', 'ceph-mon-quorum-restored']) tested.add(id);
    // Tested on the empty-clog tree below (it is about a file's size, not a line).
    tested.add('ceph-cluster-log-empty');
    // ovn.yaml's log signatures are tested on real lines in ovn-catalog.spec.ts, which checks it covers the whole file.
    const ovnYaml = readFileSync(fixturePath('../../signatures/builtin/ovn.yaml'), 'utf8');
    for (const [, id] of ovnYaml.matchAll(/^ {2}- id: (\S+)$/gm)) tested.add(id as string);
    // Every log signature has a real-line test: none is left on constructed lines only.
    const untested = signatures.filter((s) => 'logs' in s.source && !tested.has(s.id)).map((s) => s.id);
    expect(untested).toEqual([]);
    const unreferenced = signatures.filter((s) => 'logs' in s.source && s.clears === undefined && s.links.length === 0).map((s) => s.id);
    expect(unreferenced).toEqual([]);
  });
});

/** Findings of the real fixture after the counting thresholds, as diagnose applies them. */
async function counted(file: string, text = logFixture(file)): Promise<LogFinding[]> {
  return applyThresholds(await matchAll(text), (await builtinCatalog()).signatures);
}

/** A real line repeated at other minutes (constructed: what is tested is the count). */
function repeated(line: string, stamp: string, minutes: readonly number[], format: (m: number) => string): string {
  return minutes.map((m) => `${line.replace(stamp, format(m))}\n`).join('');
}

describe('repeated events count only in numbers', () => {
  it('keeps the burst of monitor elections and drops the lone one a month before', async () => {
    const findings = (await counted('real/ceph/hotsos_mon_elections.log')).filter((f) => f.signature === 'ceph-mon-election-storm');
    expect(findings.map((f) => f.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('calls one wrongly-marked-down a hiccup and three within the hour flapping', async () => {
    expect((await counted('real/ceph/hotsos_osd_flapping.log')).filter((f) => f.signature === 'ceph-osd-flapping')).toEqual([]);
    const line = logFixture('real/ceph/hotsos_osd_flapping.log').split('\n')[1] as string;
    const text = repeated(line, '2022-03-16T05:16:05', [5, 20, 40], (m) => `2022-03-16T05:${String(m).padStart(2, '0')}:05`);
    expect((await counted('', text)).filter((f) => f.signature === 'ceph-osd-flapping')).toHaveLength(3);
  });

  it('reports OVN leadership moving only when clients keep hitting followers', async () => {
    // 115 lines in the 02:53 burst; the three later pairs and triples are ordinary re-elections.
    const kept = (await counted('real/neutron/hotsos_ovndb_nb_leader_bouncing.log')).filter((f) => f.signature === 'ovn-db-leader-bouncing');
    expect(kept).toHaveLength(115);
    expect(new Set(kept.map((f) => f.time?.slice(11, 16)))).toEqual(new Set(['02:53']));
    const one = (logFixture('real/neutron/hotsos_ovndb_nb_leader_bouncing.log').split('\n')[0] as string).trim();
    expect((await counted('', `${one}\n`)).filter((f) => f.signature === 'ovn-db-leader-bouncing')).toEqual([]);
  });

  it('treats a few rejected tokens as normal and a burst as a storm', async () => {
    // The five real rejections are spread over seven hours: no storm.
    expect((await counted('real/keystone/hotsos_token_auth_failed_nova.log')).filter((f) => f.signature === 'keystone-token-validation-failures')).toEqual([]);
    const line = logFixture('real/keystone/hotsos_token_auth_failed_nova.log').split('\n')[0] as string;
    const text = repeated(line, '2025-09-18 13:15:36', [10, 11, 12, 13, 14], (m) => `2025-09-18 13:${m}:36`);
    expect((await counted('', text)).filter((f) => f.signature === 'keystone-token-validation-failures')).toHaveLength(5);
  });

  it('calls two clients closing without a word normal and a dozen a minute a connection storm', async () => {
    const file = 'real/rabbitmq/docker_compose_client_closed_tcp_UNATTRIBUTED.log';
    expect(
      (await counted('real/rabbitmq/snap_logs_collector_client_closed_tcp_UNATTRIBUTED.log')).filter((f) => f.signature === 'rabbit-connections-dropped'),
    ).toEqual([]);
    const reason = logFixture(file).split('\n')[1] as string;
    const seconds = Array.from({ length: 24 }, (_, i) => i * 10);
    const storm = seconds.map((s) => `${reason.replace('09:42:14', `09:${42 + Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`)}\n`).join('');
    expect((await counted('', storm)).filter((f) => f.signature === 'rabbit-connections-dropped')).toHaveLength(24);
    // The same number spread over two hours is churn, not a storm.
    const spread = seconds
      .map((_s, i) => `${reason.replace('09:42:14', `${String(9 + Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:14`)}\n`)
      .join('');
    expect((await counted('', spread)).filter((f) => f.signature === 'rabbit-connections-dropped')).toEqual([]);
  });

  it('reads one failover as reconnects and the same connections coming back all the time as a storm', async () => {
    const file = 'real/oslo-messaging/yaookctl_readme_reconnected.log';
    expect((await counted(file)).filter((f) => f.signature === 'amqp-reconnect-storm')).toEqual([]);
    const line = logFixture(file).split('\n')[1] as string;
    const text = repeated(
      line,
      '2022-04-15 11:50:51',
      Array.from({ length: 40 }, (_, i) => i % 10),
      (m) => `2022-04-15 11:5${m}:51`,
    );
    expect((await counted('', text)).filter((f) => f.signature === 'amqp-reconnect-storm')).toHaveLength(40);
  });

  it("takes one database connection gone away as the pool's business and a burst as the database unreachable", async () => {
    expect((await counted('real/oslo-db/pymysql_issue224_nova_api_gone_away.log')).filter((f) => f.signature === 'db-connection-failed')).toEqual([]);
    expect((await counted('real/oslo-db/hotsos_sunbeam_nova_scheduler_db_unreachable.log')).filter((f) => f.signature === 'db-connection-failed')).toHaveLength(
      5,
    );
  });

  it('takes one lost LDAP connection as a retry and three in ten minutes as the directory gone', async () => {
    const real = 'real/keystone/yunohost_issue2105_ldap_server_down.log';
    expect((await counted(real)).filter((f) => f.signature === 'keystone-ldap-server-down')).toEqual([]);
    // The real exception line with an oslo.log prefix at three times (constructed).
    const exception = logFixture(real).split('\n')[2] as string;
    const text = [1, 4, 8]
      .map((m) => `2024-03-01 10:0${m}:00.000 1234 ERROR keystone.server.flask.request_processing.middleware.auth_context ${exception}\n`)
      .join('');
    expect((await counted('', text)).filter((f) => f.signature === 'keystone-ldap-server-down')).toHaveLength(3);
  });

  it('takes nine packets lost by the datapath in a day as busy moments and the tenth as trouble', async () => {
    const nine = logFixture('real/neutron/hotsos_ovs_dpif_lost_packets.log').split('\n').slice(0, 9).join('\n');
    expect((await counted('', `${nine}\n`)).filter((f) => f.signature === 'ovs-upcall-packets-lost')).toEqual([]);
    expect((await counted('real/neutron/hotsos_ovs_dpif_lost_packets.log')).filter((f) => f.signature === 'ovs-upcall-packets-lost')).toHaveLength(10);
  });

  it('counts a missed client heartbeat once as noise', async () => {
    expect((await counted('real/rabbitmq/amqplib_issue151_missed_heartbeats.log')).filter((f) => f.signature === 'rabbit-missed-heartbeats')).toEqual([]);
  });
});

describe('states and what clears them, on real lines', () => {
  const reading = async (text: string, file: string) => readChain(await matchAll(text, file), (await builtinCatalog()).signatures);

  it('reads a link that came back and went down again as down, per interface', async () => {
    // PF_RING#293: eth11 up then down in the same second: the later line (down) wins.
    const r = await reading(logFixture('real/kernel/pf_ring_issue293_link_down.log'), '/var/log/kern.log');
    const down = r.activities.find((a) => a.signature === 'host-nic-link-down');
    expect(down?.status).toBe('current');
    // eth12 coming up does not end eth11's outage (the clearKey is the interface).
    const other = `${logFixture('real/kernel/pf_ring_issue293_link_down.log')}${(logFixture('real/kernel/pf_ring_issue293_link_down.log').split('\n')[0] as string).replaceAll('eth11', 'eth12').replace('13:16:56', '13:20:00')}\n`;
    expect((await reading(other, '/var/log/kern.log')).activities.find((a) => a.signature === 'host-nic-link-down')?.status).toBe('current');
    const back = `${logFixture('real/kernel/pf_ring_issue293_link_down.log')}${(logFixture('real/kernel/pf_ring_issue293_link_down.log').split('\n')[0] as string).replace('13:16:56', '13:20:00')}\n`;
    expect((await reading(back, '/var/log/kern.log')).activities.find((a) => a.signature === 'host-nic-link-down')?.status).toBe('recovered');
  });

  it('reads a Galera node that lost the Primary component and came back as recovered', async () => {
    const lost = logFixture('galera/wsrep_non_primary_log_rpc_openstack.log');
    // galera#474's Primary view, given a later time in the same log's short format (constructed order).
    const primary = (logFixture('real/galera/galera_issue474_primary_view.log').split('\n')[0] as string).replace(/^.*?\[Note\]/, '160609 11:05:00 [Note]');
    const r = await reading(`${lost}${primary}\n`, '/var/log/mysql/error.log');
    expect(r.activities.find((a) => a.signature === 'galera-non-primary')?.status).toBe('recovered');
    expect(r.chain).toBeNull();
    expect((await reading(lost, '/var/log/mysql/error.log')).chain?.root.signature).toBe('galera-non-primary');
  });

  it('names mysqld or mariadbd killed by the OOM killer, on the host or in its memory cgroup, and nothing else killed', async () => {
    const host = await matchAll(logFixture('real/galera/wordops_issue543_mariadbd_oom_killed.log'), '/var/log/syslog');
    expect(host.filter((f) => f.signature === 'host-oom-kill').map((f) => f.fields.process)).toEqual(['mariadbd']);
    expect(host.filter((f) => f.signature === 'galera-mysqld-oom-killed').map((f) => f.line)).toEqual([2, 3]);
    const cgroup = await matchAll(logFixture('real/galera/worldcubeassociation_issue1629_cgroup_oom_mysqld.log'), '/var/log/dmesg');
    expect(cgroup.map((f) => f.signature).sort()).toEqual(['galera-mysqld-oom-killed', 'host-oom-kill']);
    // gnome-shell killed is a host problem, not the database's.
    expect((await matchAll(logFixture('real/kernel/hotsos_oom_killer.log'))).filter((f) => f.signature === 'galera-mysqld-oom-killed')).toEqual([]);
  });

  it('reads quorum lost at a pacemaker 2 start and regained five seconds later as recovered, with the line that shows it', async () => {
    const r = await reading(logFixture('real/pacemaker/hotsos_vault_quorum_lost_acquired.log'), '/var/log/syslog');
    const lost = r.activities.find((a) => a.signature === 'corosync-quorum-lost');
    expect(lost?.status).toBe('recovered');
    // corosync's "within the primary component" line ends it (the file's line 25, 10:08:23).
    expect(lost?.spans.at(-1)?.end?.line).toBe(25);
    // Without the lines after 10:08:23 the node is still without quorum.
    const cut = logFixture('real/pacemaker/hotsos_vault_quorum_lost_acquired.log').split('\n').slice(0, 20).join('\n');
    expect((await reading(cut, '/var/log/syslog')).activities.find((a) => a.signature === 'corosync-quorum-lost')?.status).toBe('current');
  });

  it("reads a probing monitor's slow ops as the monitor outside the quorum, not as blocked client I/O, and a burst only", async () => {
    const probing = await counted('real/ceph/hotsos_sosreport_mon_probing.log');
    expect(probing.filter((f) => f.signature === 'ceph-slow-ops')).toEqual([]);
    expect(probing.filter((f) => f.signature === 'ceph-mon-probing')).toHaveLength(6);
    // The moment of probing at a start is no failure: two lines are under the threshold.
    const two = logFixture('real/ceph/hotsos_sosreport_mon_probing.log').split('\n').slice(0, 2).join('\n');
    expect((await counted('', `${two}\n`)).filter((f) => f.signature === 'ceph-mon-probing')).toEqual([]);
    // An OSD's slow ops are still client I/O waiting.
    expect((await counted('real/ceph/hotsos_bluestore_latency.log')).filter((f) => f.signature === 'ceph-slow-ops').length).toBeGreaterThan(0);
  });

  it('clears Ceph slow ops cluster-wide, from whichever monitor logged the clear', async () => {
    const [failed, cleared] = logFixture('real/ceph/billimek_k8s_gitops_issue3_slow_ops_cleared.log').split('\n') as [string, string];
    const { signatures } = await builtinCatalog();
    const inputs = [
      ...(await matchAll(`${failed}\n`, '/var/log/ceph/ceph.log')),
      ...(await matchAll(`${cleared}\n`, '/var/log/ceph/ceph.log')).map((f) => ({ ...f, node: 'node-2' })),
    ];
    expect(readChain(inputs, signatures).activities.find((a) => a.signature === 'ceph-slow-ops')?.status).toBe('recovered');
    expect(readChain(inputs.slice(0, 1), signatures).activities.find((a) => a.signature === 'ceph-slow-ops')?.status).toBe('current');
  });
});

describe('logs that should have lines and have none', () => {
  const EMPTY = fixturePath('diagnose/empty-clog');

  it('names an empty ceph.log where the monitor logs, as hotsos does, and nowhere else', async () => {
    const diagnosis = await diagnoseDirectory(EMPTY, await builtinCatalog());
    const empty = diagnosis.findings.filter((f) => f.signature === 'ceph-cluster-log-empty');
    expect(empty.map((f) => [f.node, f.file, f.fields.witness])).toEqual([['mon-1', '/var/log/ceph/ceph.log', '/var/log/ceph/ceph-mon.ceph-1.log']]);
    expect(empty[0]?.time).toBeNull();
  });

  it('finds the same on the node through the fetch command (real shell, the fixture tree as the node)', async () => {
    const { signatures } = await builtinCatalog();
    const root = (node: string): string => join(EMPTY, node);
    for (const [node, expected] of [
      ['mon-1', 1],
      ['mon-2', 0],
      ['mon-3', 0],
    ] as const) {
      // The catalog's absolute globs, moved under the node's copy of /.
      const local = signatures.map((s) =>
        isEmptyLogSignature(s)
          ? {
              ...s,
              source: { logs: { ...s.source.logs, paths: s.source.logs.paths.map((p) => root(node) + p) } },
              empty: { witnesses: s.empty.witnesses.map((p) => root(node) + p) },
            }
          : s,
      );
      const command = logFetchCommand(
        local.filter((s) => isEmptyLogSignature(s)),
        ['ceph-mon'],
      )!;
      const stdout = execFileSync('sh', ['-c', command.script.toString()], { encoding: 'utf8' });
      const findings = matchFetchedLogs(parseLogFetchOutput(stdout), node, new LogMatcher([]));
      expect(
        findings.map((f) => f.signature),
        node,
      ).toEqual(expected ? ['ceph-cluster-log-empty'] : []);
      if (expected) expect(findings[0]?.file).toBe(`${root(node)}/var/log/ceph/ceph.log`);
    }
  });

  it('refuses an empty-log signature with patterns, a threshold or unsafe witnesses', () => {
    const base = `id: x-empty
title: X log empty
severity: minor
source: { logs: { roles: [controller], paths: [/var/log/x/x.log] } }
remediation: Reopen the log.
`;
    expect(() => buildCatalog([{ file: 'x.yaml', text: `${base}empty: { witnesses: [/var/log/x/y.log] }\n` }])).not.toThrow();
    for (const extra of ["patterns: ['x']", 'threshold: { count: 2, withinMinutes: 5 }', 'clears: x-empty']) {
      expect(() => buildCatalog([{ file: 'x.yaml', text: `${base}empty: { witnesses: [/var/log/x/y.log] }\n${extra}\n` }])).toThrow(/empty/);
    }
    expect(() => buildCatalog([{ file: 'x.yaml', text: `${base}empty: { witnesses: ['/var/log/$(reboot)'] }\n` }])).toThrow(CatalogError);
  });
});

describe('near misses: lines that share words with a signature but are not its failure', () => {
  const NEAR: readonly [string, string][] = [
    ['2022-02-04 09:53:00.552 [info] <0.599.0> started TCP listener on [::]:5672', 'rabbit-started'],
    ['2022-02-17T00:53:18.224Z|27572|reconnect|INFO|ssl:10.130.11.115:6641: connected', 'ovsdb-inactivity-probe-timeout'],
    [
      '2022-02-09T18:36:19.295103+0000 mon.juju-a79b06-10-lxd-0 (mon.0) 9766590 : cluster [WRN] Health check update: 0 slow ops, oldest one blocked for 41 sec, daemons [osd.12,osd.13] have slow ops. (SLOW_OPS)',
      'ceph-slow-ops',
    ],
    ['2025-10-10T00:08:15.968157+0000 mgr.x (mgr.1) 276439 : cluster [DBG] pgmap v279285: 5385 pgs: 5385 active+clean; 303 TiB data', 'ceph-laggy-pgs'],
    [
      'Jul 14 17:01:52 r81-2 pacemaker-controld[15629]: notice: Result of start operation for fence2-ipmilan on r81-1: ok',
      'pacemaker-resource-operation-failed',
    ],
    ['2022-02-04 09:41:49.869 30993 INFO oslo.messaging._drivers.impl_rabbit [-] Connected to AMQP server on 10.0.0.1:5672', 'amqp-unreachable'],
    [
      '2023-06-18 08:42:58.702 1402787 ERROR oslo.messaging._drivers.impl_rabbit [-] Connection failed: [Errno 101] ENETUNREACH (retrying in 0 seconds): OSError: [Errno 101] ENETUNREACH',
      'amqp-unreachable',
    ],
    ["Nov 08 09:17:31 fedora systemd[41044]: runc-x.scope: No PIDs left to attach to the scope's control group, refusing: Success", 'host-cgroup-enospc'],
    ["lxc_utils - utils.c:mkdir_p:253 - No space left on device - failed to create directory '/sys/fs/cgroup/memory//lxc/test123'", 'host-enospc'],
    ["2022-05-18 06:55:37.294 [info] <0.1772.0> Mirrored queue 'q' in vhost '/': Synchronising: 0 messages to synchronise", 'rabbit-mirror-not-synchronised'],
    // Real lines of the same fixtures that are not the failure: an orderly close, a routine connect.
    [
      "2022-07-22 09:42:14.404201+00:00 [info] <0.589.0> closing AMQP connection <0.589.0> (10.0.2.5:41960 -> 10.0.2.2:5672, vhost: '/', user: 'sm0ke')",
      'rabbit-connections-dropped',
    ],
    ['2014-11-17 17:40:27.434 9607 INFO oslo.messaging._drivers.impl_rabbit [-] Connected to AMQP server on 192.168.96.183:5672', 'amqp-reconnect-storm'],
    [
      '    2017-08-06 14:56:35.047 13173 WARNING keystone.common.wsgi [req-3944a452-23e2-4512-9241-9809023f5928 - - - - -] Authorization failed. The request you have made requires authentication. from 127.0.0.1: keystone.exception.Unauthorized: The request you have made requires authentication',
      'keystone-fernet-keys-unusable',
    ],
    ['2024-06-11 14:12:51 INFO cinder.volume.manager attachment_update completed successfully.', 'amqp-reply-dropped'],
  ];
  it.each(NEAR)('does not fire on %s', async (text, signature) => {
    expect((await matchAll(text)).filter((f) => f.signature === signature)).toEqual([]);
  });
});

describe('clean real logs give no finding', () => {
  it("finds nothing in loghub's OpenStack sample (2,000 nova lines)", async () => {
    const text = readFileSync(fixturePath('logs/openstack/loghub_OpenStack_2k.log'), 'utf8');
    expect(text.split('\n').length).toBeGreaterThanOrEqual(2000);
    expect(await matchAll(text, '/var/log/nova/nova-compute.log')).toEqual([]);
  });
});

describe('prefilter literals stay selective with the whole catalog', () => {
  it('lets under 1% of ordinary records through to the regular expressions', async () => {
    const { signatures } = await builtinCatalog();
    const matcher = new LogMatcher(signatures.filter(isLogSignature));
    matcher.scanText(readFileSync(fixturePath('logs/openstack/loghub_OpenStack_2k.log'), 'utf8'), { node: 'cmp-1', file: '/var/log/nova/nova-compute.log' });
    const broker = readFileSync(fixturePath('diagnose/clean-restart/juju-04f1e3-1-lxd-5/var/log/rabbitmq/rabbit@juju-04f1e3-1-lxd-5.log'), 'utf8');
    matcher.scanText(broker, { node: 'ctl-1', file: '/var/log/rabbitmq/rabbit@ctl-1.log' });
    expect(matcher.stats.records).toBeGreaterThan(2200);
    // The broker log's stop, halt and two startup lines are the only candidates.
    expect(matcher.stats.candidates).toBeLessThanOrEqual(matcher.stats.records / 100);
  });
});
