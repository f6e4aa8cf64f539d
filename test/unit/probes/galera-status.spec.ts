import { describe, expect, it } from 'vitest';
import { galeraStatus } from '../../../src/probes/galera-status.js';
import { fixture, okValue, stdoutOf } from './fixtures.js';
import { ShellScript } from '../../../src/ssh/shell.js';
import { inContainer } from '../../../src/deployment/container-script.js';

describe('galera-status', () => {
  it('asks for exactly the five wsrep variables, tab-separated, as root', () => {
    // Inside kolla's mariadb container when the node has one, on the host otherwise.
    const classic = `mysql -N -B -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size','wsrep_cluster_status','wsrep_local_state_comment','wsrep_ready','wsrep_connected')"`;
    expect(galeraStatus.command.script.text).toBe(inContainer('mariadb', ShellScript.raw(classic)).text);
    expect(galeraStatus.command.script.text.endsWith(`; else ${classic}; fi`)).toBe(true);
    expect(galeraStatus.command.privileged).toBe(true);
  });

  it.each([
    ['wsrep_primary_synced_2_nodes.tsv', { running: true, clusterSize: 2, clusterStatus: 'Primary', localState: 'Synced', ready: true, connected: true }],
    ['wsrep_non_primary.tsv', { running: true, clusterSize: 1, clusterStatus: 'non-Primary', localState: 'Initialized', ready: false, connected: true }],
    ['wsrep_no_provider.tsv', { running: true, clusterSize: 0, clusterStatus: 'Disconnected', localState: undefined, ready: false, connected: false }],
  ])('reads real MariaDB 10.11 + Galera 4 output (%s)', (path, expected) => {
    expect(okValue(galeraStatus.parse(stdoutOf(`galera/${path}`)))).toEqual(expected);
  });

  it('reports a stopped server (MariaDB client wording) as not running', () => {
    const r = galeraStatus.parse({ stdout: '', stderr: fixture('galera/mysql_down.stderr'), exitCode: 1 });
    expect(okValue(r)).toEqual({
      running: false,
      message: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (111)",
    });
  });

  it('reports a stopped server (MySQL client wording, from the openstack-ansible docs) as not running', () => {
    const doc = fixture('galera/wsrep_cluster_status_states_osa_doc.txt');
    const stderr = doc.split('\n').filter((l) => l.includes('ERROR 2002'))[0] ?? '';
    expect(okValue(galeraStatus.parse({ stdout: '', stderr, exitCode: 1 }))).toMatchObject({ running: false });
    expect(stderr).toContain("Can't connect to local MySQL server");
  });

  it.each([
    ['empty output of a server without wsrep', { stdout: '', stderr: '', exitCode: 0 }],
    ['access denied', { stdout: '', stderr: "ERROR 1045 (28000): Access denied for user 'root'@'localhost'\n", exitCode: 1 }],
    ['garbage', { stdout: 'Variable_name\tValue\n', stderr: '', exitCode: 0 }],
  ])('gives unknown for %s', (_name, output) => {
    const r = galeraStatus.parse(output);
    expect(r.kind).toBe('unknown');
    if (r.kind === 'unknown') expect(r.raw).toBe(output.stdout || output.stderr);
  });
});
