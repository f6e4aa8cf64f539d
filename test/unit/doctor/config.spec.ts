import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvOptions } from '../../../src/config/env.js';
import { checkEnvironment, checkInventory, checkPermissions, checkSignatures, envVariableNames } from '../../../src/doctor/config.js';
import { exitCodeOf } from '../../../src/doctor/types.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'stackmedic-doctor-config-'));

describe('doctor: environment', () => {
  it('knows every variable readEnvOptions reads, including each one .env.example documents', () => {
    const names = envVariableNames();
    const documented = [...readFileSync(join(import.meta.dirname, '../../../.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(15);
    for (const name of documented) expect(names).toContain(name);
    for (const name of names) expect(name).toMatch(/^(STACKMEDIC_|SLACK_|SIGNATURES_DIR$|PORT$)/);
  });

  it('names every bad variable at once, never its value when it may be a secret, and exits 2', () => {
    const { checks, options } = checkEnvironment({
      PORT: '99999',
      STACKMEDIC_CONCURRENCY: 'many',
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      STACKMEDIC_LOG_TIMEZONE: 'Mars/Olympus_Mons',
      STACKMEDIC_DB: '/var/lib/stackmedic/db.sqlite',
    });
    expect(checks.map((c) => `${c.name} ${c.status}`).sort()).toEqual([
      'PORT fail',
      'SLACK_BOT_TOKEN fail',
      'STACKMEDIC_CONCURRENCY fail',
      'STACKMEDIC_LOG_TIMEZONE fail',
    ]);
    expect(checks.find((c) => c.name === 'PORT')?.detail).toBe('a whole number from 1 to 65535 (got "99999")');
    expect(checks.find((c) => c.name === 'SLACK_BOT_TOKEN')?.detail).toBe('a bot token starting with xoxb-');
    expect(JSON.stringify(checks)).not.toContain('xoxp-user-token-secret');
    expect(exitCodeOf(checks)).toBe(2);
    // The rest of the doctor goes on with the valid variables and the defaults of the bad ones.
    expect(options.port).toBe(3000);
    expect(options.databasePath).toBe('/var/lib/stackmedic/db.sqlite');
    expect(options.slack.botToken).toBeUndefined();
  });

  it('passes a valid environment in one line naming what is set', () => {
    const { checks } = checkEnvironment({ STACKMEDIC_SCHEDULE: '*/5 * * * *', SLACK_BOT_TOKEN: 'xoxb-1-2-secret', HOME: '/root' });
    expect(checks).toHaveLength(1);
    expect(checks[0]?.status).toBe('pass');
    expect(checks[0]?.detail).toMatch(
      /^\d+ variables known, 2 set \((STACKMEDIC_SCHEDULE, SLACK_BOT_TOKEN|SLACK_BOT_TOKEN, STACKMEDIC_SCHEDULE)\), all valid$/,
    );
    expect(checks[0]?.detail).not.toContain('secret');
  });
});

describe('doctor: files', () => {
  it('names the file and the field of a bad permissions file (exit 2)', () => {
    const file = join(dir, 'permissions.yml');
    writeFileSync(file, 'users:\n  alice: admin\n');
    const check = checkPermissions(readEnvOptions({ STACKMEDIC_PERMISSIONS: file }), true);
    expect(check).toMatchObject({ status: 'fail', configuration: true });
    expect(check.detail).toBe(`${file}: users.alice: a Slack user id like U012ABCDEF (profile → ⋮ → Copy member ID)`);
    expect(check.fix).toBe(`fix users.alice in ${file}`);
    expect(exitCodeOf([check])).toBe(2);
  });

  it('reads a good permissions file, and warns when Slack runs without one', () => {
    const file = join(dir, 'good-permissions.yml');
    writeFileSync(file, 'users:\n  U0ADMIN: admin\ngroups:\n  S0OPS: operator\nchannels: [C0OPS]\n');
    expect(checkPermissions(readEnvOptions({ STACKMEDIC_PERMISSIONS: file }), true)).toMatchObject({
      status: 'pass',
      detail: `${file}: 1 user, 1 user group; commands accepted in C0OPS`,
    });
    expect(checkPermissions(readEnvOptions({}), true).status).toBe('warn');
    expect(checkPermissions(readEnvOptions({}), false).status).toBe('skip');
  });

  it('names the file and the field of a bad inventory, and says when there is none', () => {
    const bad = checkInventory(join(FIXTURES, 'inventory/malformed.yml'), readEnvOptions({}));
    expect(bad.inventory).toBeUndefined();
    expect(bad.check.status).toBe('fail');
    expect(bad.check.detail).toContain(join(FIXTURES, 'inventory/malformed.yml'));
    const none = checkInventory(undefined, readEnvOptions({}));
    expect(none.check).toMatchObject({ status: 'fail', detail: 'none given', configuration: true });
    const good = checkInventory(join(FIXTURES, 'inventory/ansible.ini'), readEnvOptions({}));
    expect(good.check.status).toBe('pass');
    expect(good.check.detail).toMatch(/^cluster lab from .*ansible\.ini: 5 nodes \(3 controller, 2 compute/);
  });

  it('counts the operator signatures, and names the file of a bad one', async () => {
    const own = mkdtempSync(join(tmpdir(), 'stackmedic-doctor-sig-'));
    cpSync(join(FIXTURES, 'signatures/operator/keystone.yaml'), join(own, 'keystone.yaml'));
    const good = await checkSignatures(readEnvOptions({ SIGNATURES_DIR: own }));
    expect(good.status).toBe('pass');
    expect(good.detail).toMatch(new RegExp(`^\\d+ signatures: \\d+ built in, 1 from ${own}$`));
    cpSync(join(FIXTURES, 'signatures/malformed.yaml'), join(own, 'mine.yaml'));
    const bad = await checkSignatures(readEnvOptions({ SIGNATURES_DIR: own }));
    expect(bad).toMatchObject({ status: 'fail', configuration: true });
    expect(bad.detail).toContain(join(own, 'mine.yaml'));
    expect(bad.detail).toMatch(/severity/);
  });
});
