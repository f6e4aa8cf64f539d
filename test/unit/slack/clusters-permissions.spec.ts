import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { checkClusterNames, loadPermissions, parsePermissions, PermissionResolver } from '../../../src/slack/permissions.js';

const dir = mkdtempSync(join(tmpdir(), 'clusters-permissions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('channels bound to clusters', () => {
  it('reads CHANNEL=CLUSTER entries in the list, and a mapping of channels to clusters', () => {
    const list = parsePermissions('channels:\n  - COPS\n  - CEAST=east\n  - "#ops-west=west"\n', 'p.yml');
    expect(list.channels).toEqual(['COPS', 'CEAST', 'ops-west']);
    expect(list.bindings).toEqual({ CEAST: 'east', 'ops-west': 'west' });
    const map = parsePermissions('channels:\n  CEAST: east\n  CWEST: west\n', 'p.yml');
    expect(map.channels).toEqual(['CEAST', 'CWEST']);
    expect(map.bindings).toEqual({ CEAST: 'east', CWEST: 'west' });
  });

  it('takes bindings from STACKMEDIC_CHANNELS, with or without a permissions file', () => {
    expect(loadPermissions(undefined, ['C123=east', 'C456=west', 'COPS']).bindings).toEqual({ C123: 'east', C456: 'west' });
    const path = join(dir, 'p.yml');
    writeFileSync(path, 'channels:\n  - CEAST=east\n');
    const merged = loadPermissions(path, ['CWEST=west']);
    expect(merged.channels).toEqual(['CEAST', 'CWEST']);
    expect(merged.bindings).toEqual({ CWEST: 'west', CEAST: 'east' });
    expect(message(() => loadPermissions(path, ['CEAST=west']))).toMatch(/STACKMEDIC_CHANNELS: CEAST: the cluster .* binds it to \(east\)/);
  });

  it('refuses a bad entry, one channel bound twice, and a cluster the inventory lacks', () => {
    expect(message(() => loadPermissions(undefined, ['C1=east=west']))).toMatch(/STACKMEDIC_CHANNELS: channels: .*CHANNEL=CLUSTER \(got "C1=east=west"\)/);
    expect(message(() => parsePermissions('channels:\n  - C12=east\n  - C12=west\n', 'p.yml'))).toMatch(
      /one cluster per channel \(C12 is bound to east and west\)/,
    );
    const config = parsePermissions('channels:\n  - C12=esat\nclusters:\n  west: { users: { U123: operator } }\n', 'p.yml');
    expect(message(() => checkClusterNames(config, ['east', 'west']))).toBe('p.yml: channels.C12: a cluster of the inventory (east, west); there is no "esat"');
    expect(message(() => checkClusterNames(config, ['esat']))).toMatch(/clusters\.west: a cluster of the inventory \(esat\)/);
  });
});

describe('roles granted per cluster', () => {
  const config = parsePermissions(
    'users:\n  UALL: operator\n  UWEST: viewer\nclusters:\n  west:\n    users:\n      UWEST: operator\n    groups:\n      SWEST: admin\n  east:\n    users:\n      UALL: viewer\n',
    'p.yml',
  );
  const resolver = new PermissionResolver(config, async (group) => (group === 'SWEST' ? ['UGRP'] : []));

  it('adds a cluster grant on that cluster only, and never lowers a global role', async () => {
    expect(await resolver.roleOf('UWEST', 'west')).toBe('operator');
    expect(await resolver.roleOf('UWEST', 'east')).toBe('viewer');
    expect(await resolver.roleOf('UWEST')).toBe('viewer');
    expect(await resolver.roleOf('UALL', 'east')).toBe('operator');
    expect(await resolver.roleOf('UGRP', 'west')).toBe('admin');
    expect(await resolver.roleOf('UGRP', 'east')).toBe('viewer');
  });

  it('says which cluster a channel is bound to, by id or name', () => {
    const bound = new PermissionResolver(parsePermissions('channels:\n  - CEAST=east\n  - ops-west=west\n', 'p.yml'), async () => []);
    expect(bound.clusterOf('CEAST')).toBe('east');
    expect(bound.clusterOf('CXYZ', 'ops-west')).toBe('west');
    expect(bound.clusterOf('COTHER', 'other')).toBeUndefined();
    expect(bound.channelsOf('west')).toEqual(['ops-west']);
  });
});
