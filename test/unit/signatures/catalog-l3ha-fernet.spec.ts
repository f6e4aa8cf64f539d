import { describe, expect, it } from 'vitest';
import { applyThresholds } from '../../../src/signatures/threshold.js';
import { builtinCatalog, logFixture, matchAll } from './support.js';

/**
 * neutron L3 HA (keepalived/haproxy under the l3-agent) and keystone's fernet keys, on the real
 * lines of test/fixtures/logs/real/SOURCE.md where public ones exist.
 */
async function counted(text: string, file: string) {
  return applyThresholds(await matchAll(text, file), (await builtinCatalog()).signatures);
}

describe('neutron L3 HA routers', () => {
  it("names keepalived ignoring neutron's no_track on hotsos's real syslog line (LP#1896506)", async () => {
    const findings = (await matchAll(logFixture('real/neutron/hotsos_lp1896506_keepalived_no_track.log'), '/var/log/syslog')).filter(
      (f) => f.signature === 'neutron-l3-ha-keepalived-no-track',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.timeMs).not.toBeNull();
  });

  it("takes no finding from a real l3-agent's routine keepalived lines (spawned, pid file not there yet)", async () => {
    const text = logFixture('real/neutron/hotsos_sosreport_l3_agent_keepalived_spawned.log');
    const ids = (await counted(text, '/var/log/neutron/neutron-l3-agent.log')).map((f) => f.signature);
    expect(ids.filter((id) => id.startsWith('neutron-l3-ha'))).toEqual([]);
  });

  // Constructed: no public log line was found. The messages are neutron's process monitor's
  // (neutron/agent/linux/external_process.py), around the real line's prefix of the hotsos l3-agent log.
  const router = '984c22fd-64b3-4fa1-8ddd-87090f401ce5';
  const died = (m: number, service: string): string =>
    `2022-02-10 16:${String(m).padStart(2, '0')}:19.172 1591 ERROR neutron.agent.linux.external_process [-] ${service} for router with uuid ${router} not found. The process should not have died\n`;
  const respawn = (m: number, service: string): string =>
    `2022-02-10 16:${String(m).padStart(2, '0')}:19.173 1591 WARNING neutron.agent.linux.external_process [-] Respawning ${service} for uuid ${router}\n`;

  it('reports a respawn loop (3 within 30 minutes), with the service and the router', async () => {
    const text = [1, 11, 21].map((m) => died(m, 'keepalived') + respawn(m, 'keepalived')).join('');
    const findings = (await counted(text, '/var/log/neutron/neutron-l3-agent.log')).filter((f) => f.signature === 'neutron-l3-ha-process-respawning');
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(findings.every((f) => f.fields.service === 'keepalived' && f.fields.router === router)).toBe(true);
  });

  it('leaves one respawn after a crash alone: the monitor did its job', async () => {
    const findings = (await counted(died(1, 'haproxy') + respawn(1, 'haproxy'), '/var/log/neutron/neutron-l3-agent.log')).filter(
      (f) => f.signature === 'neutron-l3-ha-process-respawning',
    );
    expect(findings).toEqual([]);
  });
});

describe("keystone's fernet keys", () => {
  it('names a key file that is not a key on the real keystone.log of a full-disk PowerVC host', async () => {
    const findings = (await matchAll(logFixture('real/keystone/nixys_powervc_fernet_key_invalid.log'), '/var/log/keystone/keystone.log')).filter(
      (f) => f.signature === 'keystone-fernet-keys-unusable',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.text).toContain('Fernet key must be 32 url-safe base64-encoded bytes.');
  });

  it('does not take the same words from a non-keystone line', async () => {
    const line = '2024-08-16 10:00:00,000 ERROR web-1 ValueError: Fernet key must be 32 url-safe base64-encoded bytes.\n';
    expect((await matchAll(line, '/var/log/httpd/app_error.log')).filter((f) => f.signature === 'keystone-fernet-keys-unusable')).toEqual([]);
  });
});

describe("keystone's token validation failures", () => {
  // The paste is the keystone pod's output (httpd's access and error logs mixed); httpd's error
  // log holds the `[wsgi:error]` lines only.
  const errorLog = logFixture('real/keystone/ci_framework_pr2273_failed_to_validate_token.log')
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => `${l}\n`)
    .join('');
  const file = '/var/log/httpd/keystone_wsgi_error.log';

  it("reads keystone's own 'Failed to validate token' in httpd's wsgi error log as one rejected token, at keystone's time", async () => {
    const findings = (await matchAll(errorLog, file)).filter((f) => f.signature === 'keystone-token-validation-failures');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.timeMs).toBe(Date.parse('2024-09-30T03:08:30.220Z'));
  });

  it('reports them only as a storm: one alone is an expired token, five in ten minutes are the problem', async () => {
    expect((await counted(errorLog, file)).filter((f) => f.signature === 'keystone-token-validation-failures')).toEqual([]);
    // Constructed: the real line repeated at later seconds (what is tested is the count).
    const line = errorLog.split('\n')[1] as string;
    const storm = [30, 31, 32, 33, 34].map((sec) => `${line.replaceAll('03:08:30', `03:08:${sec}`)}\n`).join('');
    expect((await counted(storm, file)).filter((f) => f.signature === 'keystone-token-validation-failures')).toHaveLength(5);
  });
});
