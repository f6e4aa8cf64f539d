/** After a repair: which neutron agents and nova services are still down, and what to run next. */
import { libvirtStatus } from '../probes/libvirt-status.js';
import { neutronAgents } from '../probes/neutron-agents.js';
import { novaServices } from '../probes/nova-services.js';
import { nodesWithRole, readApi, readProbe, sameHost, whereRead } from './read.js';
import type { FollowUp, RunbookContext } from './types.js';

/** The inventory node an API host name stands for, if any. */
function inventoryNode(rctx: RunbookContext, host: string): string | undefined {
  return rctx.inventory.nodes.find((n) => sameHost(host, n.name))?.name;
}

/**
 * Lists the neutron agents and nova services still down, each with the command that fixes the
 * usual cause: a compute whose libvirt socket is gone gets `/compute fix-libvirt`, a controller
 * whose agents are stopped by pacemaker gets `/pacemaker cleanup`.
 */
export async function servicesStillDown(rctx: RunbookContext): Promise<FollowUp> {
  const controllers = nodesWithRole(rctx.inventory, 'controller');
  const [nova, neutron] = await Promise.all([readApi(rctx, novaServices), readApi(rctx, neutronAgents)]);
  const notes: string[] = [];
  const nexts: string[] = [];
  // A failed read names its node in the problem already; a good one says where it came from.
  if (!nova.ok) notes.push(`nova services unknown: ${nova.problem}`);
  if (!neutron.ok) notes.push(`neutron agents unknown: ${neutron.problem}`);
  const downCompute = nova.ok ? nova.value.services.filter((s) => s.state === 'down' && s.status === 'enabled' && s.binary === 'nova-compute') : [];
  const downOtherNova = nova.ok ? nova.value.services.filter((s) => s.state === 'down' && s.status === 'enabled' && s.binary !== 'nova-compute') : [];
  for (const s of downCompute) {
    const node = inventoryNode(rctx, s.host);
    const lib = node ? await readProbe(rctx, node, libvirtStatus) : undefined;
    const socketGone = lib?.ok === true && !lib.value.socketPresent;
    notes.push(`nova-compute on ${s.host} is down${socketGone ? ' and the libvirt socket is missing' : ''}`);
    if (node) nexts.push(`/compute fix-libvirt ${node}`);
  }
  for (const s of downOtherNova) notes.push(`${s.binary} on ${s.host} is down`);
  const downAgents = neutron.ok ? neutron.value.agents.filter((a) => !a.alive && a.adminStateUp) : [];
  const byHost = new Map<string, string[]>();
  for (const a of downAgents) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a.agentType || a.binary]);
  for (const [host, agents] of byHost) {
    notes.push(`neutron ${agents.join(', ')} on ${host} ${agents.length === 1 ? 'is' : 'are'} down`);
    const node = inventoryNode(rctx, host);
    if (node && controllers.includes(node)) nexts.push(`/pacemaker cleanup ${node}`);
  }
  if (notes.length === 0) return { notes: [`every neutron agent and nova service reports up${whereRead(rctx, nova, novaServices)}`] };
  const unique = [...new Set(nexts)];
  return { notes, next: unique.length > 0 ? unique.join(', then ') : '/cluster status' };
}
