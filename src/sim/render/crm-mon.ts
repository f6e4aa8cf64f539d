/**
 * `crm_mon` output, in the formats of Pacemaker 2.1.5 as captured in test/fixtures/sim/crm_mon_2.1.5_*
 * (XML with `--output-as=xml`, text with `-1`), rendered from the cluster state.
 */
import { ctime } from '../logs/format.js';
import { pacemakerOnline, promotedReplica, resourceInstanceCount, resourceRole, vipPlacement } from '../state/derive.js';
import {
  bundleContainerOf,
  bundleGuestOf,
  isTripleoCluster,
  PACEMAKER_CLONES,
  PACEMAKER_VIPS,
  tripleoBundleResources,
  type ResourceDef,
} from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';

const PCMK_VERSION = '2.1.5-a3f44794f94';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function nodeId(c: ClusterState, n: SimNode): number {
  return c.controllers.indexOf(n) + 1;
}

function resourcesRunning(c: ClusterState, n: SimNode, vipHost: SimNode | undefined): number {
  if (!n.services.get('pacemaker')?.running) return 0;
  const vips = vipHost === n ? PACEMAKER_VIPS.length : 0;
  // On TripleO the host runs each bundle's container and guest connection; the resource inside runs on the guest.
  if (isTripleoCluster(c))
    return tripleoBundleResources(c)
      .filter((r) => containerUp(c, n, r))
      .reduce((k, r) => k + (r.bundle?.primitive ? 2 : 1), vips);
  return PACEMAKER_CLONES.filter((r) => resourceRole(n, r) === 'Started').length + vips;
}

/** A bundle replica's container runs while pacemaker runs on its host and the bundle is not disabled. */
function containerUp(c: ClusterState, n: SimNode, r: ResourceDef): boolean {
  if (!n.services.get('pacemaker')?.running || c.disabledResources.has(r.id)) return false;
  // A bundle without a resource inside is its container: HAProxy's runs while haproxy does.
  return r.bundle?.primitive ? true : resourceRole(n, r) === 'Started';
}

/** The role of a running bundle resource: Galera promoted everywhere, the OVN databases on their active server only. */
function bundleRole(c: ClusterState, r: ResourceDef, n: SimNode): 'Promoted' | 'Unpromoted' | 'Started' {
  if (r.bundle?.promotesOne) return promotedReplica(c, r) === n ? 'Promoted' : 'Unpromoted';
  return r.bundle?.promoted ? 'Promoted' : 'Started';
}

/** One `<resource>` of a bundle replica, attributes as pacemaker 2.1.5 prints them (test/fixtures/deployment/tripleo/). */
function bundleResourceXml(id: string, agent: string, role: string, failed: boolean, on: { name: string; id: string | number } | undefined): string {
  const active = on !== undefined;
  const attrs = `id="${esc(id)}" resource_agent="${esc(agent)}" role="${role}" active="${active}" orphaned="false" blocked="false" managed="true" failed="${failed}" failure_ignored="false" nodes_running_on="${active ? 1 : 0}"`;
  if (!on) return `        <resource ${attrs}/>`;
  return `        <resource ${attrs}>\n          <node name="${esc(on.name)}" id="${on.id}" cached="true"/>\n        </resource>`;
}

/** TripleO's bundles: per controller one replica, its container on the host and, for Galera and RabbitMQ, the resource on its guest node. */
function bundlesXml(c: ClusterState): string[] {
  const lines: string[] = [];
  for (const r of tripleoBundleResources(c)) {
    const b = r.bundle;
    if (!b) continue;
    const failedAny = c.controllers.some((n) => n.pacemakerFailures.some((f) => f.resource === r.id) && resourceRole(n, r) === 'Started');
    lines.push(`    <bundle id="${r.cloneId}" type="podman" image="${esc(b.image)}" unique="false" managed="true" failed="${failedAny}">`);
    c.controllers.forEach((n, i) => {
      const host = { name: n.name, id: nodeId(c, n) };
      const up = containerUp(c, n, r);
      const guest = bundleGuestOf(c, r, n);
      lines.push(`      <replica id="${i}">`);
      if (b.primitive) {
        const started = up && resourceRole(n, r) === 'Started';
        const role = started ? bundleRole(c, r, n) : 'Stopped';
        lines.push(bundleResourceXml(r.id, r.agent, role, false, started ? { name: guest, id: guest } : undefined));
      }
      lines.push(bundleResourceXml(bundleContainerOf(c, r, n), 'ocf:heartbeat:podman', up ? 'Started' : 'Stopped', false, up ? host : undefined));
      if (b.primitive) lines.push(bundleResourceXml(guest, 'ocf:pacemaker:remote', up ? 'Started' : 'Stopped', false, up ? host : undefined));
      lines.push('      </replica>');
    });
    lines.push('    </bundle>');
  }
  return lines;
}

/** The guest node a bundle resource's failure is reported on, or the host for anything else. */
function failureNode(c: ClusterState, n: SimNode, resource: string): string {
  const r = tripleoBundleResources(c).find((x) => x.id === resource && x.bundle?.primitive);
  return isTripleoCluster(c) && r ? bundleGuestOf(c, r, n) : n.name;
}

function resourceXml(id: string, agent: string, role: string, failed: boolean, on: { name: string; id: number } | undefined, targetStopped: boolean): string {
  const active = on !== undefined;
  const attrs = `id="${esc(id)}" resource_agent="${esc(agent)}" role="${role}"${targetStopped ? ' target_role="Stopped"' : ''} active="${active}" orphaned="false" blocked="false" maintenance="false" managed="true" failed="${failed}" failure_ignored="false" nodes_running_on="${active ? 1 : 0}"`;
  if (!on) return `      <resource ${attrs}/>`;
  return `      <resource ${attrs}>\n        <node name="${esc(on.name)}" id="${on.id}" cached="true"/>\n      </resource>`;
}

/** `crm_mon --output-as=xml` as seen from a node whose pacemaker runs. */
export function renderCrmMonXml(c: ClusterState, request: string): string {
  const online = pacemakerOnline(c);
  const dc = online[0];
  const vips = vipPlacement(c);
  const quorum = online.length * 2 > c.controllers.length;
  const now = c.clock.now();
  const lines: string[] = [];
  lines.push(`<pacemaker-result api-version="2.25" request="${esc(request)}">`);
  lines.push('  <summary>');
  lines.push('    <stack type="corosync"/>');
  lines.push(
    dc
      ? `    <current_dc present="true" version="${PCMK_VERSION}" name="${dc.name}" id="${nodeId(c, dc)}" with_quorum="${quorum}"/>`
      : '    <current_dc present="false"/>',
  );
  lines.push(`    <last_update time="${ctime(now)}"/>`);
  const lc = c.pacemakerLastChange;
  lines.push(`    <last_change time="${ctime(lc.at)}" user="root" client="${esc(lc.client)}" origin="${esc(lc.origin)}"/>`);
  lines.push(`    <nodes_configured number="${c.controllers.length}"/>`);
  lines.push(`    <resources_configured number="${resourceInstanceCount(c)}" disabled="${c.disabledResources.size * c.controllers.length}" blocked="0"/>`);
  lines.push(
    '    <cluster_options stonith-enabled="false" symmetric-cluster="true" no-quorum-policy="stop" maintenance-mode="false" stop-all-resources="false" stonith-timeout-ms="60000" priority-fencing-delay-ms="0"/>',
  );
  lines.push('  </summary>');
  lines.push('  <nodes>');
  for (const n of c.controllers) {
    const up = online.includes(n);
    lines.push(
      `    <node name="${n.name}" id="${nodeId(c, n)}" online="${up}" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="3.16.2" shutdown="false" expected_up="${up}" is_dc="${n === dc}" resources_running="${resourcesRunning(c, n, vips.get(PACEMAKER_VIPS[0]?.id ?? ''))}" type="member"/>`,
    );
  }
  if (isTripleoCluster(c)) {
    for (const r of tripleoBundleResources(c).filter((x) => x.bundle?.primitive)) {
      for (const n of c.controllers) {
        const guest = bundleGuestOf(c, r, n);
        const up = containerUp(c, n, r);
        lines.push(
          `    <node name="${guest}" id="${guest}" online="${up}" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" shutdown="false" expected_up="false" is_dc="false" resources_running="${up && resourceRole(n, r) === 'Started' ? 1 : 0}" type="remote" id_as_resource="${bundleContainerOf(c, r, n)}"/>`,
        );
      }
    }
  }
  lines.push('  </nodes>');
  lines.push('  <resources>');
  for (const v of PACEMAKER_VIPS) {
    const host = vips.get(v.id);
    lines.push(
      resourceXml(v.id, v.agent, host ? 'Started' : 'Stopped', false, host ? { name: host.name, id: nodeId(c, host) } : undefined, false).replace(
        /^ {6}/gm,
        '    ',
      ),
    );
  }
  if (isTripleoCluster(c)) lines.push(...bundlesXml(c));
  for (const r of isTripleoCluster(c) ? [] : PACEMAKER_CLONES) {
    const failed = c.controllers.some((n) => n.pacemakerFailures.some((f) => f.resource === r.id) && resourceRole(n, r) === 'Started');
    lines.push(
      `    <clone id="${r.cloneId}" multi_state="false" unique="false" maintenance="false" managed="true" disabled="${c.disabledResources.has(r.id)}" failed="${failed}" failure_ignored="false">`,
    );
    const started = c.controllers.filter((n) => resourceRole(n, r) === 'Started');
    for (const n of started) {
      const f = n.pacemakerFailures.some((x) => x.resource === r.id);
      lines.push(resourceXml(r.id, r.agent, 'Started', f, { name: n.name, id: nodeId(c, n) }, c.disabledResources.has(r.id)));
    }
    for (let i = started.length; i < c.controllers.length; i++)
      lines.push(resourceXml(r.id, r.agent, 'Stopped', false, undefined, c.disabledResources.has(r.id)));
    lines.push('    </clone>');
  }
  lines.push('  </resources>');
  const failures = c.controllers.flatMap((n) => n.pacemakerFailures.map((f) => ({ n, f })));
  if (failures.length > 0) {
    lines.push('  <failures>');
    for (const { n, f } of failures) {
      const at = new Date(f.at).toISOString().replace('T', ' ').slice(0, 19);
      lines.push(
        `    <failure op_key="${f.resource}_${f.task}_0" node="${failureNode(c, n, f.resource)}" exitstatus="${esc(f.exitstatus)}" exitreason="${esc(f.exitreason)}" exitcode="${f.exitcode}" call="${f.call}" status="complete" last-rc-change="${at}Z" queued="0" exec="${f.exitcode === 1 ? 5023 : 0}" interval="0" task="${f.task}"/>`,
      );
    }
    lines.push('  </failures>');
  }
  lines.push('  <status code="0" message="OK"/>');
  lines.push('</pacemaker-result>');
  return `${lines.join('\n')}\n`;
}

/** `crm_mon -1` (also `-r`, `crm status`) text as seen from a node whose pacemaker runs. */
export function renderCrmMonText(c: ClusterState): string {
  const online = pacemakerOnline(c);
  const dc = online[0];
  const vips = vipPlacement(c);
  const quorum = online.length * 2 > c.controllers.length;
  const lc = c.pacemakerLastChange;
  const out: string[] = [
    'Cluster Summary:',
    '  * Stack: corosync',
    dc ? `  * Current DC: ${dc.name} (version ${PCMK_VERSION}) - partition ${quorum ? 'with' : 'WITHOUT'} quorum` : '  * Current DC: NONE',
    `  * Last updated: ${ctime(c.clock.now())}`,
    `  * Last change:  ${ctime(lc.at)} by root via ${lc.client} on ${lc.origin}`,
    `  * ${c.controllers.length} nodes configured`,
    `  * ${resourceInstanceCount(c)} resource instances configured${c.disabledResources.size > 0 ? ` (${c.disabledResources.size * c.controllers.length} DISABLED)` : ''}`,
    '',
    'Node List:',
    `  * Online: [ ${online.map((n) => n.name).join(' ')} ]`,
  ];
  const offline = c.controllers.filter((n) => !online.includes(n));
  if (offline.length > 0) out.push(`  * OFFLINE: [ ${offline.map((n) => n.name).join(' ')} ]`);
  out.push('', 'Full List of Resources:');
  for (const v of PACEMAKER_VIPS) {
    const host = vips.get(v.id);
    out.push(`  * ${v.id}\t(${v.agent}):\t ${host ? `Started ${host.name}` : 'Stopped'}`);
  }
  if (isTripleoCluster(c)) out.push(...bundlesText(c));
  for (const r of isTripleoCluster(c) ? [] : PACEMAKER_CLONES) {
    out.push(`  * Clone Set: ${r.cloneId} [${r.id}]${c.disabledResources.has(r.id) ? ' (disabled)' : ''}:`);
    const started = c.controllers.filter((n) => resourceRole(n, r) === 'Started');
    const failed = started.filter((n) => n.pacemakerFailures.some((f) => f.resource === r.id));
    for (const n of failed) out.push(`    * ${r.id}\t(${r.agent}):\t FAILED ${n.name}`);
    const ok = started.filter((n) => !failed.includes(n));
    if (ok.length > 0) out.push(`    * Started: [ ${ok.map((n) => n.name).join(' ')} ]`);
    const stopped = c.controllers.filter((n) => !started.includes(n));
    if (stopped.length > 0) out.push(`    * Stopped${c.disabledResources.has(r.id) ? ' (disabled)' : ''}: [ ${stopped.map((n) => n.name).join(' ')} ]`);
  }
  const failures = c.controllers.flatMap((n) => n.pacemakerFailures.map((f) => ({ n, f })));
  if (failures.length > 0) {
    out.push('', 'Failed Resource Actions:');
    for (const { n, f } of failures) {
      out.push(`  * ${f.resource} ${f.task} on ${failureNode(c, n, f.resource)} returned '${f.exitstatus}' (${f.exitreason}) at ${ctime(f.at)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** TripleO's bundles in `crm_mon -1`'s layout (`Container bundle set: ...`, one line per replica). */
function bundlesText(c: ClusterState): string[] {
  const out: string[] = [];
  for (const r of tripleoBundleResources(c)) {
    if (!r.bundle) continue;
    out.push(`  * Container bundle set: ${r.cloneId} [${r.bundle.image}]:`);
    for (const n of c.controllers) {
      const up = containerUp(c, n, r);
      const started = up && resourceRole(n, r) === 'Started';
      const state = started ? `${bundleRole(c, r, n)} ${n.name}` : 'Stopped';
      if (r.bundle.primitive) out.push(`    * ${bundleGuestOf(c, r, n)}\t(${r.agent}):\t ${state}`);
      else out.push(`    * ${bundleContainerOf(c, r, n)}\t(${r.agent}):\t ${up ? `Started ${n.name}` : 'Stopped'}`);
    }
  }
  return out;
}

/** What `crm_mon --output-as=xml` prints on a node whose pacemaker is not running (exit 102). */
export function renderCrmMonNotConnectedXml(request: string): string {
  return `<pacemaker-result api-version="2.25" request="${esc(request)}">
  <status code="102" message="Not connected">
    <errors>
      <error>error: Could not connect to launcher: Connection refused</error>
      <error>crm_mon: Connection to cluster failed: Connection refused</error>
    </errors>
  </status>
</pacemaker-result>
`;
}

/** stderr of text-mode `crm_mon` when pacemaker is not running (exit 102). */
export const CRM_MON_NOT_CONNECTED_TEXT =
  'error: Could not connect to launcher: Connection refused\ncrm_mon: Connection to cluster failed: Connection refused\n';
