import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcsCleanupScript, pcsCleanupWith, pcsNodeSyntax } from '../../../src/deployment/pcs.js';
import { createClusterState } from '../../../src/sim/create.js';
import { execOnNode } from '../../../src/sim/exec.js';
import { PCS_SETTINGS_FILE } from '../../../src/sim/programs/pacemaker.js';
import type { ClusterState, SimNode } from '../../../src/sim/state/types.js';

/** Real `pcs --version` outputs and usage lines, see test/fixtures/deployment/tripleo/pcs/SOURCE.md. */
const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../../fixtures/deployment/tripleo/pcs', name), 'utf8');

/** Makes the simulated node's pcs the given release, as pcs reads its version from its settings. */
function installPcs(node: SimNode, version: string): void {
  const content = `pcs_version = "${version}"\n`;
  node.fs.put(PCS_SETTINGS_FILE, { kind: 'file', size: content.length, mtime: 0, content });
}

function seedCluster(): { c: ClusterState; n10: SimNode } {
  const c = createClusterState({ scenario: 'tripleo-seed-incident', controllers: 3, computes: 1 });
  const n10 = c.nodes.get('node-10');
  if (!n10) throw new Error('node-10');
  // The seed's failed start stays recorded until a cleanup; the disk is freed so the start succeeds.
  n10.fs.remove('/var/lib/cinder/conversion/tmpG3Ukq5');
  n10.disk.baseUsed = 0;
  return { c, n10 };
}

describe('the node syntax of pcs resource cleanup, from pcs --version', () => {
  it.each([
    ['version_0.9.169.txt', '--node'],
    ['version_0.10.8.txt', 'node='],
    ['version_0.11.9.txt', 'node='],
  ])('%s -> %s', (file, syntax) => {
    expect(pcsNodeSyntax(fixture(file))).toBe(syntax);
  });

  it('is unknown for what is no version (a missing pcs, an error)', () => {
    expect(pcsNodeSyntax('')).toBeUndefined();
    expect(pcsNodeSyntax('sh: 1: pcs: not found\n')).toBeUndefined();
  });

  it("writes each form as that release's usage documents it", () => {
    expect(fixture('usage_cleanup_0.9.169.txt')).toContain('cleanup [<resource id>] [--node <node>]');
    expect(pcsCleanupWith('--node', 'rabbitmq-bundle', 'node-10').text).toBe('pcs resource cleanup rabbitmq-bundle --node node-10');
    expect(fixture('usage_cleanup_0.10.8.txt')).toContain('cleanup [<resource id>] [node=<node>]');
    expect(pcsCleanupWith('node=', 'rabbitmq-bundle', 'node-10').text).toBe('pcs resource cleanup rabbitmq-bundle node=node-10');
    expect(pcsCleanupWith('node=', undefined, 'node-10').text).toBe('pcs resource cleanup node=node-10');
    // A name is quoted like any other argument.
    expect(pcsCleanupWith('--node', "x'; reboot", 'node-10').text).toBe("pcs resource cleanup 'x'\\''; reboot' --node node-10");
  });
});

describe('pcs resource cleanup on simulated pcs 0.9 and 0.10 (each refuses the other form, as the real ones do)', () => {
  it.each([
    ['0.9.169', 'pcs resource cleanup rabbitmq-bundle node=node-10', 'pcs resource cleanup rabbitmq-bundle --node node-10'],
    ['0.10.8', 'pcs resource cleanup rabbitmq-bundle --node node-10', 'pcs resource cleanup rabbitmq-bundle node=node-10'],
  ])('pcs %s refuses `%s` and takes `%s`', async (version, wrong, right) => {
    const { c, n10 } = seedCluster();
    installPcs(n10, version);
    expect((await execOnNode(c, n10, 'pcs --version')).stdout).toBe(`${version}\n`);
    const refused = await execOnNode(c, n10, wrong);
    expect(refused.code).toBe(1);
    expect(n10.pacemakerFailures).toHaveLength(1);
    expect((await execOnNode(c, n10, right)).code).toBe(0);
    expect(n10.pacemakerFailures).toEqual([]);
  });

  it.each(['0.9.169', '0.10.8'])('the detecting script cleans up on pcs %s', async (version) => {
    const { c, n10 } = seedCluster();
    installPcs(n10, version);
    const r = await execOnNode(c, n10, pcsCleanupScript('rabbitmq-bundle', 'node-10').text);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Cleaned up rabbitmq on node-10/);
    expect(n10.pacemakerFailures).toEqual([]);
  });
});
