/** The scenario catalogue. */
import { healthy } from './healthy.js';
import { kollaHealthy, kollaOvnHealthy, kollaPodmanHealthy, kollaSeedIncident } from './kolla.js';
import { libvirtSocketMissing } from './libvirt-socket-missing.js';
import { partition } from './partition.js';
import { rabbitInconsistentCluster } from './rabbit-inconsistent-cluster.js';
import { seedIncident } from './seed-incident.js';
import { tripleoHealthy, tripleoSeedIncident } from './tripleo.js';
import { tripleoOsp16Healthy, tripleoOsp16OvnBackupLost } from './tripleo-osp16.js';
import { tripleoOsp17Healthy, tripleoOsp17VirtqemudDown } from './tripleo-osp17.js';
import type { Scenario, ScenarioName } from './types.js';

export type { Scenario, ScenarioName, ScenarioOptions } from './types.js';

/** Every built-in scenario by name. */
export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  healthy,
  'seed-incident': seedIncident,
  'rabbit-inconsistent-cluster': rabbitInconsistentCluster,
  'libvirt-socket-missing': libvirtSocketMissing,
  partition,
  'kolla-healthy': kollaHealthy,
  'kolla-seed-incident': kollaSeedIncident,
  'kolla-ovn-healthy': kollaOvnHealthy,
  'kolla-podman-healthy': kollaPodmanHealthy,
  'tripleo-healthy': tripleoHealthy,
  'tripleo-seed-incident': tripleoSeedIncident,
  'tripleo-osp16-healthy': tripleoOsp16Healthy,
  'tripleo-osp16-ovn-backup-lost': tripleoOsp16OvnBackupLost,
  'tripleo-osp17-healthy': tripleoOsp17Healthy,
  'tripleo-osp17-virtqemud-down': tripleoOsp17VirtqemudDown,
};

/** Narrows a user-typed name to a scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.prototype.hasOwnProperty.call(SCENARIOS, name);
}
