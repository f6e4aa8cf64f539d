import { describe, expect, it } from 'vitest';
import { cephStatus } from '../../../src/probes/ceph-status.js';
import { simulate } from '../sim/helpers.js';
import { cephReading } from './readings.js';

/** The probe's own script on the simulator: its shell runs the script, its ceph answers quorum_status. */
async function probeOnSim(scenario: 'healthy' | 'seed-incident'): Promise<{ reading: ReturnType<typeof cephReading>; stdout: string; stderr: string }> {
  const { sh } = simulate(scenario);
  const r = await sh('node-11', cephStatus.command.script.text);
  return { reading: cephReading(cephStatus.parse({ stdout: r.stdout, stderr: r.stderr, exitCode: r.code })), stdout: r.stdout, stderr: r.stderr };
}

describe('ceph-status on the simulator', () => {
  it('runs both commands of the probe on a healthy cluster: three named monitors in quorum', async () => {
    const { reading, stdout, stderr } = await probeOnSim('healthy');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^@@ceph-s exit 0$/m);
    expect(stdout).toMatch(/"quorum_leader_name":"node-10"[\s\S]*^@@quorum_status exit 0$/m);
    expect(reading).toMatchObject({ health: 'HEALTH_OK', quorum: ['node-10', 'node-11', 'node-12'], outOfQuorum: [], mons: ['node-10', 'node-11', 'node-12'] });
  });

  it('names node-10 out of quorum in the seed incident', async () => {
    const { reading } = await probeOnSim('seed-incident');
    expect(reading).toMatchObject({ outOfQuorum: ['node-10'], mons: ['node-10', 'node-11', 'node-12'] });
  });
});
