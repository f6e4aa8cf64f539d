import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnoseDirectory } from '../../../src/signatures/diagnose.js';
import { readChain } from '../../../src/signatures/chain.js';
import type { LogFinding } from '../../../src/signatures/matcher.js';
import { isLogSignature } from '../../../src/signatures/schema.js';
import { applyThresholds } from '../../../src/signatures/threshold.js';
import { builtinCatalog, logFixture, matchAll } from './support.js';

/** Findings of a text after the counting thresholds, as diagnose applies them. */
async function counted(text: string, file = '/var/log/ovn/test.log'): Promise<LogFinding[]> {
  return applyThresholds(await matchAll(text, file), (await builtinCatalog()).signatures);
}

const of = (findings: readonly LogFinding[], id: string): LogFinding[] => findings.filter((f) => f.signature === id);
const ovn = (name: string): string => logFixture(`ovn/${name}`);

/**
 * The OVN catalog (signatures/builtin/ovn.yaml) on real lines, sources in
 * test/fixtures/logs/ovn/README.md: [fixture, signature, records kept after thresholds, fields of the first].
 */
const REAL: readonly [string, string, number, Record<string, string>][] = [
  ['hotsos_sosreport_ovn_controller.log', 'ovn-controller-sb-connection-lost', 1, { server: 'ssl:10.130.13.120:6642', reason: 'Broken pipe' }],
  ['hotsos_sosreport_ovn_controller.log', 'ovn-controller-sb-reconnected', 1, { server: 'ssl:10.130.11.131:6642' }],
  ['kubeovn_3051_ovsdb_server_drops.log', 'ovsdb-server-client-drop-storm', 5, { peer: 'tcp:10.222.0.90:55194', reason: 'Broken pipe' }],
  ['hotsos_ovn_elections_sb.log', 'ovn-raft-election-storm', 22, { term: '2873' }],
  ['hotsos_sosreport_ovn_northd.log', 'ovn-db-member-disconnected', 2, { server: 'ssl:10.5.3.3:16642' }],
  ['hotsos_sosreport_ovn_northd.log', 'ovn-northd-lock-flapping', 2, {}],
  ['hotsos_northd_lock_changes.log', 'ovn-northd-lock-flapping', 2, {}],
  ['hotsos_lp1917475_rbac.log', 'ovn-sb-rbac-denied', 1, { client: 'compute5', role: 'ovn-controller', operation: 'row insertion into', table: 'IGMP_Group' }],
  ['understack_ovn_controller_encap_duplicate.log', 'ovn-db-duplicate-rows', 1, { table: 'Encap', values: 'geneve and \\"10.46.100.84\\"' }],
  ['hotsos_ovn_controller_cert_expired.log', 'ovn-tls-certificate-expired', 1, {}],
  ['hotsos_lp1980211_neutron_server.log', 'neutron-ovn-ssl-reconnect-broken', 1, {}],
  ['hotsos_lp1980211_ovn_metadata_agent.log', 'neutron-ovn-ssl-reconnect-broken', 1, {}],
  ['hotsos_lp1996594_ovn_metadata_agent.log', 'ovn-metadata-agent-ovsdb-error', 1, {}],
  ['atmosphere_567_ovn_metadata_netns.log', 'ovn-metadata-agent-netns-failed', 1, {}],
  ['hotsos_northd_version_mismatch.log', 'ovn-controller-northd-version-mismatch', 1, { controller: '20.03.2-2.7.0-42.0', northd: '20.03.2-2.7.0-42.1' }],
];

describe('the OVN catalog on real lines', () => {
  it.each(REAL)('%s fires %s', async (fixture, signature, count, fields) => {
    const found = of(await counted(ovn(fixture)), signature);
    expect(found).toHaveLength(count);
    expect(found[0]?.fields).toMatchObject(fields);
  });

  it('tests every log signature of ovn.yaml here, and gives every signature of it a public reference', async () => {
    const file = readFileSync(fileURLToPath(new URL('../../../signatures/builtin/ovn.yaml', import.meta.url)), 'utf8');
    const inFile = new Set([...file.matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]));
    const signatures = (await builtinCatalog()).signatures.filter((s) => inFile.has(s.id));
    expect(signatures).toHaveLength(inFile.size);
    const logIds = signatures.filter(isLogSignature).map((s) => s.id);
    expect(logIds.sort()).toEqual([...new Set(REAL.map(([, id]) => id))].sort());
    for (const s of signatures) expect(s.links.length, s.id).toBeGreaterThan(0);
  });
});

describe('OVN events that count only in numbers', () => {
  it('calls four raft elections an hour ordinary and five a storm', async () => {
    const lines = ovn('hotsos_ovn_elections_sb.log').split('\n');
    // The last four of the file are in 17:00–17:03, over an hour after the burst before them.
    expect(of(await counted(`${lines.slice(18, 22).join('\n')}\n`), 'ovn-raft-election-storm')).toEqual([]);
    expect(of(await counted(`${lines.slice(17, 22).join('\n')}\n`), 'ovn-raft-election-storm')).toHaveLength(5);
  });

  it('leaves leadership transfers for a snapshot alone: they are not elections', async () => {
    expect(of(await counted(ovn('hotsos_raft_leadership_transfers.log')), 'ovn-raft-election-storm')).toEqual([]);
  });

  it('keeps northd lock losses close together and drops the lone one', async () => {
    // 03:26 is 90 minutes before the next loss; 04:57 and 05:52 are within the hour.
    const kept = of(await counted(ovn('hotsos_northd_lock_changes.log')), 'ovn-northd-lock-flapping');
    expect(kept.map((f) => f.time?.slice(11, 16))).toEqual(['04:57', '05:52']);
    const first = ovn('hotsos_northd_lock_changes.log').split('\n')[0] as string;
    expect(of(await counted(`${first}\n`), 'ovn-northd-lock-flapping')).toEqual([]);
  });

  it("does not call a health check's dropped TLS sessions every five minutes a storm", async () => {
    // The real SB server log: 127.0.0.1 probes closing with a protocol error, one per five minutes.
    const text = ovn('hotsos_sosreport_ovsdb_server_sb.log');
    expect(of(await matchAll(text), 'ovsdb-server-client-drop-storm').length).toBeGreaterThan(0);
    expect(of(await counted(text), 'ovsdb-server-client-drop-storm')).toEqual([]);
  });
});

describe('near misses: OVN lines that share words with a signature but are not its failure', () => {
  const NEAR: readonly [string, string][] = [
    // The local Open vSwitch database's unix clients (okd-project/okd#1172): not the Southbound.
    ['2022-03-23T08:06:40.701Z|12863|reconnect|WARN|unix#45050: connection dropped (Connection reset by peer)', 'ovn-controller-sb-connection-lost'],
    ['2022-03-23T08:06:40.701Z|12863|reconnect|WARN|unix#45050: connection dropped (Connection reset by peer)', 'ovsdb-server-client-drop-storm'],
    // Lines of the same real files that are routine.
    ['2022-02-17T04:35:35.277Z|368568|reconnect|INFO|ssl:10.130.12.66:6642: connecting...', 'ovn-controller-sb-reconnected'],
    ['2022-02-17T04:35:36.278Z|368570|reconnect|INFO|ssl:10.130.12.66:6642: connection attempt timed out', 'ovn-controller-sb-connection-lost'],
    ['2022-02-17T03:20:03.891Z|00032|ovn_northd|INFO|ovn-northd lock acquired. This ovn-northd instance is now active.', 'ovn-northd-lock-flapping'],
    ['2022-07-27T05:17:45.365Z|118228|raft|INFO|received leadership transfer from fd77 in term 41911', 'ovn-raft-election-storm'],
    ['2022-02-17T00:58:04.667Z|27573|stream_ssl|WARN|SSL_accept: system error (Success)', 'ovn-tls-certificate-expired'],
  ];
  it.each(NEAR)('%s is not %s', async (line, signature) => {
    expect(of(await matchAll(`${line}\n`), signature)).toEqual([]);
  });
});

describe('ovn-controller losing the Southbound database, read in time order', () => {
  const reading = async (text: string) =>
    readChain(await matchAll(text, '/var/log/ovn/ovn-controller.log'), (await builtinCatalog()).signatures).activities.find(
      (a) => a.signature === 'ovn-controller-sb-connection-lost',
    );

  it('reads the drop that reconnected four seconds later (to another server) as recovered', async () => {
    expect((await reading(ovn('hotsos_sosreport_ovn_controller.log')))?.status).toBe('recovered');
  });

  it('reads the same log cut before the reconnect as current', async () => {
    const lines = ovn('hotsos_sosreport_ovn_controller.log').split('\n');
    const cut = lines
      .slice(
        0,
        lines.findIndex((l) => l.endsWith(': connected')),
      )
      .join('\n');
    expect((await reading(`${cut}\n`))?.status).toBe('current');
  });
});

describe('where the OVN signatures read, in a copied tree', () => {
  it("reads ovn-controller's log under kolla and the SB server's under packages, each for its own signatures", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-ovn-'));
    const put = (node: string, path: string, text: string): void => {
      mkdirSync(dirname(join(dir, node, path)), { recursive: true });
      writeFileSync(join(dir, node, path), text);
    };
    put('cmp-1', '/var/log/kolla/openvswitch/ovn-controller.log', ovn('hotsos_sosreport_ovn_controller.log'));
    put('ctl-1', '/var/log/ovn/ovsdb-server-sb.log', ovn('kubeovn_3051_ovsdb_server_drops.log'));
    put('ctl-1', '/var/log/containers/openvswitch/ovn-northd.log', ovn('hotsos_northd_lock_changes.log'));
    put('cmp-1', '/var/log/containers/neutron/ovn-metadata-agent.log', ovn('hotsos_lp1996594_ovn_metadata_agent.log'));
    const diagnosis = await diagnoseDirectory(dir, await builtinCatalog());
    const seen = new Set(diagnosis.findings.map((f) => `${f.node} ${f.signature} ${f.file}`));
    expect(seen).toContain('cmp-1 ovn-controller-sb-connection-lost /var/log/kolla/openvswitch/ovn-controller.log');
    expect(seen).toContain('ctl-1 ovsdb-server-client-drop-storm /var/log/ovn/ovsdb-server-sb.log');
    expect(seen).toContain('ctl-1 ovn-northd-lock-flapping /var/log/containers/openvswitch/ovn-northd.log');
    expect(seen).toContain('cmp-1 ovn-metadata-agent-ovsdb-error /var/log/containers/neutron/ovn-metadata-agent.log');
    // The server's drops are its clients', not an ovn-controller's own connection.
    expect(seen).not.toContain('ctl-1 ovn-controller-sb-connection-lost /var/log/ovn/ovsdb-server-sb.log');
  });
});
