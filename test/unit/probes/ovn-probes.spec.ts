import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDbReading, parseRaftStatus, parseSyncStatus } from '../../../src/probes/ovn-cluster-status.js';
import { ovnControllerStatus, parseOvnControllerStatus } from '../../../src/probes/ovn-controller-status.js';
import { ovnDbStatus, parseOvnDbStatus } from '../../../src/probes/ovn-db-status.js';
import { fixture, okValue } from './fixtures.js';

describe('OVN cluster/status (real outputs, test/fixtures/probes/ovn/SOURCE.md)', () => {
  it('reads a healthy follower of three: its leader, the servers and both-way connections', () => {
    const r = parseRaftStatus(fixture('ovn/sb_follower_3_servers_ovs_issues_177.txt'));
    expect(r).toEqual({
      model: 'clustered',
      name: 'OVN_Southbound',
      sid: '6378',
      status: 'cluster member',
      role: 'follower',
      term: 17,
      leader: 'b8af',
      servers: [
        { sid: '3e6e', address: 'tcp:10.0.0.102:5002', self: false },
        { sid: 'b8af', address: 'tcp:10.0.0.114:5002', self: false },
        { sid: '6378', address: 'tcp:10.0.0.113:5002', self: true },
      ],
      connectedPeers: ['b8af', '3e6e'],
      failingPeers: [],
    });
  });

  it('reads a candidate that knows no leader, and the peers whose connections fail', () => {
    const r = parseRaftStatus(fixture('ovn/sb_candidate_leader_unknown_ovs_issues_242.txt'));
    if ('unreadable' in r) throw new Error(r.unreadable);
    expect(r.role).toBe('candidate');
    expect(r.leader).toBeUndefined();
    expect(r.servers.map((s) => s.sid)).toEqual(['7e27', 'bc77', 'b550', 'affb', 'f8be']);
    expect(r.servers.find((s) => s.self)?.sid).toBe('bc77');
    expect(r.failingPeers).toEqual(['7e27', 'affb', 'f8be']);
    expect(r.connectedPeers).toEqual(['b550', '02e8']);
  });

  it('reads a leader of a newer OVN, whose status has election and per-server index lines', () => {
    const r = parseRaftStatus(fixture('ovn/nb_leader_disconnections_kube_ovn_doc.txt'));
    if ('unreadable' in r) throw new Error(r.unreadable);
    expect([r.name, r.role, r.leader, r.term]).toEqual(['OVN_Northbound', 'leader', 'self', 1454]);
    expect(r.servers.map((s) => [s.sid, s.address, s.self])).toEqual([
      ['f080', 'tcp:[10.0.129.139]:6643', false],
      ['9182', 'tcp:[10.0.128.61]:6643', true],
      ['e631', 'tcp:[10.0.131.173]:6643', false],
    ]);
  });

  it.each([
    ['ovn/nb_ctl_missing_cno_896.stderr', 'ovn-appctl: cannot connect to "/var/run/ovn/ovnnb_db.ctl" (No such file or directory)'],
    ['ovn/nb_unknown_cluster_okd_367.stderr', 'unknown cluster: ovn-appctl: /var/run/ovn/ovnnb_db.ctl: server returned an error'],
  ])('says the server is down from ovn-appctl own words (%s)', (file, message) => {
    expect(parseDbReading('', fixture(file))).toEqual({ model: 'down', message });
  });

  it('calls anything else unreadable, never ok', () => {
    expect(parseDbReading('Name: OVN_Northbound\n', '')).toHaveProperty('unreadable');
    expect(parseDbReading('some banner\n', '')).toHaveProperty('unreadable');
    expect(parseRaftStatus(fixture('ovn/sb_follower_3_servers_ovs_issues_177.txt').replace(/^Leader: .*$/m, ''))).toHaveProperty('unreadable');
  });
});

describe('ovsdb-server/sync-status (strings built from the format of ovsdb/replication.c)', () => {
  it.each([
    ['state: active\n', { state: 'active', replication: undefined, from: undefined }],
    [
      'state: backup\nreplicating: tcp:172.17.1.50:6641\ndatabase: OVN_Northbound\n',
      { state: 'backup', replication: 'replicating', from: 'tcp:172.17.1.50:6641' },
    ],
    ['state: backup\nconnecting: tcp:172.17.1.50:6641\n', { state: 'backup', replication: 'connecting', from: 'tcp:172.17.1.50:6641' }],
    ['state: backup\nnot connected to tcp:172.17.1.50:6641\n', { state: 'backup', replication: 'not connected', from: 'tcp:172.17.1.50:6641' }],
    ['state: backup\nReplication to (tcp:172.17.1.50:6641) failed\n', { state: 'backup', replication: 'failed', from: 'tcp:172.17.1.50:6641' }],
  ])('reads %j', (text, expected) => {
    expect(parseSyncStatus(text)).toEqual({ model: 'active-backup', ...expected });
  });

  it('leaves a backup without a replication line unreadable', () => {
    expect(parseSyncStatus('state: backup\n')).toHaveProperty('unreadable');
  });
});

describe('the ovn-db-status probe', () => {
  const section = (db: string, body: string): string => `@@ovn-db ${db}\n${body}`;

  it('reads both databases of a kolla controller', () => {
    const out =
      section('nb', fixture('ovn/nb_leader_disconnections_kube_ovn_doc.txt')) + section('sb', fixture('ovn/sb_follower_3_servers_ovs_issues_177.txt'));
    const v = okValue(parseOvnDbStatus({ stdout: out, stderr: '', exitCode: 0 }));
    if (!v.ovn) throw new Error('expected OVN');
    expect([v.nb.model, v.sb.model]).toEqual(['clustered', 'clustered']);
  });

  it('says there is no OVN only when neither database exists there', () => {
    expect(okValue(parseOvnDbStatus({ stdout: section('nb', '@@no-ovn\n') + section('sb', '@@no-ovn\n'), stderr: '', exitCode: 0 }))).toMatchObject({
      ovn: false,
    });
    const half = okValue(parseOvnDbStatus({ stdout: section('nb', '@@no-ovn\n') + section('sb', 'state: active\n'), stderr: '', exitCode: 0 }));
    expect(half).toMatchObject({ ovn: true, nb: { model: 'down' }, sb: { model: 'active-backup', state: 'active' } });
  });

  it('reads a stopped container as the server down', () => {
    const v = okValue(
      parseOvnDbStatus({ stdout: section('nb', '@@container-stopped ovn_nb_db podman\n') + section('sb', 'state: active\n'), stderr: '', exitCode: 0 }),
    );
    expect(v).toMatchObject({ ovn: true, nb: { model: 'down', message: 'podman container ovn_nb_db is not running' } });
  });

  it('is unknown when a section cannot be read or the script did not run', () => {
    expect(parseOvnDbStatus({ stdout: section('nb', 'garbage\n') + section('sb', 'state: active\n'), stderr: '', exitCode: 0 }).kind).toBe('unknown');
    expect(parseOvnDbStatus({ stdout: '', stderr: 'sh: 1: syntax error', exitCode: 2 }).kind).toBe('unknown');
  });

  it('asks kolla containers first, then the TripleO bundle, then the host sockets', () => {
    const script = ovnDbStatus.command.script.text;
    expect(script.indexOf('docker container inspect')).toBeLessThan(script.indexOf('ovn-dbs-bundle-podman-$n'));
    expect(script).toContain('docker container inspect ovn_nb_db');
    expect(script).toContain('cluster/status OVN_Southbound');
    expect(script).toContain('ovsdb-server/sync-status');
  });
});

describe('ovn-controller connection-status (replies of lib/ovn-util.c ovn_conn_show)', () => {
  it.each([
    ['connected\n', { ovn: true, running: true, connected: true }],
    ['not connected\n', { ovn: true, running: true, connected: false }],
    ['@@no-ovn\n', { ovn: false }],
    ['@@container-stopped ovn_controller docker\n', { ovn: true, running: false, message: 'docker container ovn_controller is not running' }],
  ])('reads %j', (stdout, expected) => {
    expect(okValue(parseOvnControllerStatus({ stdout, stderr: '', exitCode: 0 }))).toMatchObject(expected);
  });

  it('reads ovn-appctl failing to reach the daemon as not running, and anything else as unknown', () => {
    const down = parseOvnControllerStatus({
      stdout: 'ovn-appctl: cannot read pidfile "/var/run/ovn/ovn-controller.pid" (No such file or directory)\n',
      stderr: '',
      exitCode: 1,
    });
    expect(okValue(down)).toMatchObject({ ovn: true, running: false });
    expect(parseOvnControllerStatus({ stdout: 'connecting\n', stderr: '', exitCode: 0 }).kind).toBe('unknown');
  });
});

describe('the OVN probes in a real POSIX shell', () => {
  /** dash with an empty PATH: no engine, no ovn-appctl, as on a node without OVN; only its builtins run. */
  const dash = (script: string): { stdout: string; code: number | null } => {
    const r = spawnSync('/bin/sh', ['-c', script], { env: { PATH: '/nonexistent' }, encoding: 'utf8', timeout: 10_000 });
    return { stdout: r.stdout, code: r.status };
  };

  it('parse and run there, and say "no OVN" on a machine without it', () => {
    const db = dash(ovnDbStatus.command.script.text);
    expect(db).toEqual({ stdout: '@@ovn-db nb\n@@no-ovn\n@@ovn-db sb\n@@no-ovn\n', code: 0 });
    expect(okValue(ovnDbStatus.parse({ stdout: db.stdout, stderr: '', exitCode: 0 }))).toMatchObject({ ovn: false });
    const chassis = dash(ovnControllerStatus.command.script.text);
    expect(chassis).toEqual({ stdout: '@@no-ovn\n', code: 0 });
  });
});
