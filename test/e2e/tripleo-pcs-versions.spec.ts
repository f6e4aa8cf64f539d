import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PCS_SETTINGS_FILE } from '../../src/sim/programs/pacemaker.js';
import { startRig, type RunbookRig } from './runbooks/harness.js';

/** The TripleO seed outage with every controller's pcs at `version` (OSP 13's RHEL 7 has 0.9.169). */
async function rigWithPcs(version: string): Promise<RunbookRig> {
  const rig = await startRig({ scenario: 'tripleo-seed-incident' });
  const content = `pcs_version = "${version}"\n`;
  for (const n of rig.sim.state.controllers) n.fs.put(PCS_SETTINGS_FILE, { kind: 'file', size: content.length, mtime: 0, content });
  return rig;
}

// Each form is the one only that release accepts; the other exits 1 in the simulator as in pcs.
describe.each([
  ['0.9.169', '--node node-10'],
  ['0.10.8', 'node=node-10'],
])("TripleO with pcs %s: the cleanups act in that pcs's syntax", (version, form) => {
  let rig: RunbookRig;
  beforeAll(async () => {
    rig = await rigWithPcs(version);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it(`/pacemaker cleanup node-10 rabbitmq-bundle runs pcs resource cleanup ... ${form} and verifies the replica started`, async () => {
    const free = await rig.run('/cluster free-disk node-10');
    expect(free.reply?.title, free.reply?.text).toMatch(/done, verified/);
    const cleanup = await rig.run('/pacemaker cleanup node-10 rabbitmq-bundle');
    expect(cleanup.reply?.title, cleanup.reply?.text).toMatch(/done, verified/);
    // The simulated pcs of each release refuses the other form (exit 1): only the right one cleaned up.
    const pcsCalls = rig.sim.commandLog.filter((e) => e.node === 'node-10' && e.command.includes('pcs resource cleanup'));
    expect(pcsCalls.length).toBeGreaterThan(0);
    expect(pcsCalls.every((e) => e.command.includes('pcs --version'))).toBe(true);
    expect(rig.sim.state.nodes.get('node-10')?.pacemakerFailures).toEqual([]);
    expect(rig.sim.state.nodes.get('node-10')?.rabbit.appRunning).toBe(true);
  }, 120_000);
});
