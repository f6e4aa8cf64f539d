import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STOP_DEADLINE_MS } from '../../../src/lifecycle/lifecycle.js';

/** Issue 10 §3: deploy/stackmedic.service, checked by systemd itself and by what it must say. */

const ROOT = join(import.meta.dirname, '../../..');
const UNIT = join(ROOT, 'deploy/stackmedic.service');

/** The unit's directives: section -> key -> every value given (systemd keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`line ${i + 1} is not a directive: ${raw}`);
    const list = current.get(kv[1] ?? '') ?? [];
    list.push(kv[2] ?? '');
    current.set(kv[1] ?? '', list);
  }
  return sections;
}

const unit = parseUnit(readFileSync(UNIT, 'utf8'));
const service = unit.get('Service') ?? new Map<string, string[]>();
const one = (key: string): string | undefined => service.get(key)?.at(-1);

describe('deploy/stackmedic.service', () => {
  it('passes systemd-analyze verify without a warning', () => {
    const found = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim();
    // Where systemd is not installed the directive checks below still hold the unit to account.
    if (!found) return;
    const r = spawnSync(found, ['verify', UNIT], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() }).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('runs `stackmedic serve` from the package entry point as its own user, configured by /etc/stackmedic/env', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(one('ExecStart')).toBe(`/usr/bin/node /opt/stackmedic/${pkg.bin.stackmedic} serve`);
    expect([one('User'), one('Group')]).toEqual(['stackmedic', 'stackmedic']);
    expect(one('EnvironmentFile')).toBe('/etc/stackmedic/env');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('restarts on failure and gives the 10 s shutdown room before SIGKILL', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    const stop = Number(/^(\d+)s$/.exec(one('TimeoutStopSec') ?? '')?.[1]);
    expect(stop * 1000).toBeGreaterThan(STOP_DEADLINE_MS);
  });

  it('is sandboxed: no new privileges, the file system read-only except the store, a private /tmp', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    const db = (service.get('Environment') ?? []).map((e) => /^STACKMEDIC_DB=(.+)$/.exec(e)?.[1]).find(Boolean) ?? '';
    expect(db).toBe('/var/lib/stackmedic/stackmedic.sqlite');
    const writable = (one('ReadWritePaths') ?? '').split(/\s+/);
    expect(writable.some((dir) => db.startsWith(`${dir}/`))).toBe(true);
    expect(one('StateDirectory')).toBe('stackmedic');
  });
});
