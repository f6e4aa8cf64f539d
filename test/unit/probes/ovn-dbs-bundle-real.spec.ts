/**
 * TripleO's ovn-dbs-bundle on real outputs (test/fixtures/deployment/tripleo/ovn/SOURCE.md): a
 * Train controller's pacemaker status, active/backup `sync-status` answers; and the simulator's
 * crm_mon and sync-status for the same bundle, in the layouts those real outputs have.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSyncStatus } from '../../../src/probes/ovn-cluster-status.js';
import { parsePacemakerStatus } from '../../../src/probes/pacemaker-status.js';
import { parseCrmMonText } from '../../../src/probes/pacemaker-text.js';
import { createClusterState } from '../../../src/sim/create.js';
import { lookupProgram } from '../../../src/sim/programs/index.js';
import { runScript } from '../../../src/sim/shell/interpreter.js';

const DIR = join(__dirname, '../../fixtures/deployment/tripleo');
const fixture = (name: string): string => readFileSync(join(DIR, name), 'utf8');

describe('real ovn-dbs-bundle outputs', () => {
  it('reads the Train controller status: ovndb_servers Master on controller01, Slave on the other two', () => {
    const text = fixture('ovn/pcs_status_1.1.20_train_ovn-dbs-bundle_galvarado.txt');
    const r = parseCrmMonText(text, text);
    if (r.kind !== 'ok' || !r.value.running) throw new Error(JSON.stringify(r));
    const ovn = r.value.resources.filter((x) => x.parents.some((p) => p.id === 'ovn-dbs-bundle'));
    expect(ovn.map((x) => [x.role, x.nodes.join(',')])).toEqual([
      ['Master', 'controller01'],
      ['Slave', 'controller02'],
      ['Slave', 'controller03'],
    ]);
    expect(ovn.every((x) => x.agent === 'ocf::ovn:ovndb-servers' || x.agent === 'ocf:ovn:ovndb-servers')).toBe(true);
    expect(r.value.quorum).toBe(true);
  });

  it.each([
    ['ovn/sync_status_active_cumulus_docs.txt', { model: 'active-backup', state: 'active', replication: undefined, from: undefined }],
    ['ovn/sync_status_backup_cumulus_docs.txt', { model: 'active-backup', state: 'backup', replication: 'replicating', from: 'tcp:169.254.0.9:9999' }],
    ['ovn/sync_status_backup_ovs_zh_notes.txt', { model: 'active-backup', state: 'backup', replication: 'replicating', from: 'tcp:10.10.0.10:6640' }],
  ])('reads sync-status %s', (file, value) => {
    expect(parseSyncStatus(fixture(file))).toEqual(value);
  });
});

describe("the simulator's ovn-dbs-bundle (tripleo-osp16-*)", () => {
  const state = (scenario: 'tripleo-osp16-healthy' | 'tripleo-osp16-ovn-backup-lost') => createClusterState({ scenario, controllers: 3, computes: 1 });

  it('prints the bundle in crm_mon -1 as pacemaker 2.1.5 prints one on a real TripleO CIB: promoted on one replica, unpromoted on the others', async () => {
    const c = state('tripleo-osp16-healthy');
    const node = c.controllers[0];
    if (!node) throw new Error('no controller');
    const text = (await runScript({ cluster: c, node, lookup: lookupProgram }, 'crm_mon -1')).stdout;
    const real = fixture('crm_mon_2.1.5_no-promote-on-unrunnable-guest.txt');
    const header = /^ {2}\* Container bundle set: ovn-dbs-bundle \[cluster\.common\.tag\/rhosp16-openstack-ovn-northd:pcmklatest\]:$/m;
    expect(real).toMatch(header);
    expect(text).toMatch(header);
    expect(text).toContain('    * ovn-dbs-bundle-0\t(ocf:ovn:ovndb-servers):\t Promoted node-10\n');
    expect(text).toContain('    * ovn-dbs-bundle-1\t(ocf:ovn:ovndb-servers):\t Unpromoted node-11\n');
    expect(text).toContain('    * ovn-dbs-bundle-2\t(ocf:ovn:ovndb-servers):\t Unpromoted node-12\n');
    const xml = (await runScript({ cluster: c, node, lookup: lookupProgram }, 'crm_mon --output-as=xml')).stdout;
    const r = parsePacemakerStatus({ stdout: xml, stderr: '', exitCode: 0 });
    if (r.kind !== 'ok' || !r.value.running) throw new Error(JSON.stringify(r));
    const inside = r.value.resources.filter((x) => x.id === 'ovndb_servers');
    expect(inside.map((x) => [x.role, x.nodes.join(',')])).toEqual([
      ['Promoted', 'ovn-dbs-bundle-0'],
      ['Unpromoted', 'ovn-dbs-bundle-1'],
      ['Unpromoted', 'ovn-dbs-bundle-2'],
    ]);
  });

  it('answers sync-status in each replica: active on the promoted one, backups replicating from the VIP, or not connected when lost', async () => {
    const cmd = 'podman exec ovn-dbs-bundle-podman-N ovn-appctl -t /var/run/ovn/ovnsb_db.ctl ovsdb-server/sync-status';
    const answers = async (scenario: Parameters<typeof state>[0]) => {
      const c = state(scenario);
      return Promise.all(
        c.controllers.map(async (n, i) => (await runScript({ cluster: c, node: n, lookup: lookupProgram }, cmd.replace('N', String(i)))).stdout),
      );
    };
    const healthy = await answers('tripleo-osp16-healthy');
    expect(healthy.map(parseSyncStatus)).toEqual([
      { model: 'active-backup', state: 'active', replication: undefined, from: undefined },
      { model: 'active-backup', state: 'backup', replication: 'replicating', from: 'tcp:192.168.0.4:6642' },
      { model: 'active-backup', state: 'backup', replication: 'replicating', from: 'tcp:192.168.0.4:6642' },
    ]);
    expect(healthy[1]).toBe('state: backup\nreplicating: tcp:192.168.0.4:6642\ndatabase: OVN_Southbound\n');
    const lost = await answers('tripleo-osp16-ovn-backup-lost');
    expect(parseSyncStatus(lost[2] ?? '')).toEqual({ model: 'active-backup', state: 'backup', replication: 'not connected', from: 'tcp:192.168.0.4:6642' });
  });

  it('has no ovn-appctl on the host: only inside the replica', async () => {
    const c = state('tripleo-osp16-healthy');
    const node = c.controllers[0];
    if (!node) throw new Error('no controller');
    const r = await runScript({ cluster: c, node, lookup: lookupProgram }, 'ovn-appctl -t /var/run/ovn/ovnnb_db.ctl ovsdb-server/sync-status');
    expect(r.code).toBe(127);
  });
});
