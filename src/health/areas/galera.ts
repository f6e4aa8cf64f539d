import { galeraStatus } from '../../probes/galera-status.js';
import { defineArea, listNodes, type AreaProblem } from '../area.js';

/** Galera: MySQL running on every controller, in the Primary component, Synced and ready. */
export default defineArea({
  id: 'galera',
  title: 'Galera',
  reportOrder: 30,
  causeOrder: 40,
  probes: [galeraStatus],
  assess(s) {
    const values = s.values(galeraStatus);
    const down = values.filter((v) => !v.value.running).map((v) => v.node);
    const problems: AreaProblem[] = down.length ? [{ severity: 'critical', nodes: down, summary: `MySQL/Galera not running on ${listNodes(down)}` }] : [];
    for (const { node, value } of values) {
      if (!value.running) continue;
      if (value.clusterStatus && value.clusterStatus !== 'Primary')
        problems.push({ severity: 'critical', nodes: [node], summary: `${node} is in a ${value.clusterStatus} component (not Primary)` });
      else if (value.localState && value.localState !== 'Synced')
        problems.push({ severity: 'warning', nodes: [node], summary: `${node} is ${value.localState}, not Synced` });
      else if (!value.ready) problems.push({ severity: 'critical', nodes: [node], summary: `${node} is not ready (wsrep_ready OFF)` });
    }
    const sizes = values.flatMap((v) => (v.value.running && v.value.clusterSize !== undefined ? [v.value.clusterSize] : []));
    return { problems, okNote: sizes.length ? `cluster size ${Math.max(...sizes)}, all members Synced` : '' };
  },
  facts: {},
});
