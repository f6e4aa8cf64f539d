/**
 * `crm_mon` output, in the formats of Pacemaker 2.1.5 as captured in test/fixtures/sim/crm_mon_2.1.5_*
 * (XML with `--output-as=xml`, text with `-1`), rendered from the cluster state.
 */
import { ctime } from '../logs/format.js';
import { pacemakerOnline, resourceInstanceCount, resourceRole, vipPlacement } from '../state/derive.js';
import { PACEMAKER_CLONES, PACEMAKER_VIPS } from '../state/topology.js';
import type { ClusterState, SimNode } from '../state/types.js';

const PCMK_VERSION = '2.1.5-a3f44794f94';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function nodeId(c: ClusterState, n: SimNode): number {
  return c.controllers.indexOf(n) + 1;
}

function resourcesRunning(n: SimNode, vipHost: SimNode | undefined): number {
  if (!n.services.get('pacemaker')?.running) return 0;
  return PACEMAKER_CLONES.filter((r) => resourceRole(n, r) === 'Started').length + (vipHost === n ? PACEMAKER_VIPS.length : 0);
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
      `    <node name="${n.name}" id="${nodeId(c, n)}" online="${up}" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="3.16.2" shutdown="false" expected_up="${up}" is_dc="${n === dc}" resources_running="${resourcesRunning(n, vips.get(PACEMAKER_VIPS[0]?.id ?? ''))}" type="member"/>`,
    );
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
  for (const r of PACEMAKER_CLONES) {
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
        `    <failure op_key="${f.resource}_${f.task}_0" node="${n.name}" exitstatus="${esc(f.exitstatus)}" exitreason="${esc(f.exitreason)}" exitcode="${f.exitcode}" call="${f.call}" status="complete" last-rc-change="${at}Z" queued="0" exec="${f.exitcode === 1 ? 5023 : 0}" interval="0" task="${f.task}"/>`,
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
  for (const r of PACEMAKER_CLONES) {
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
      out.push(`  * ${f.resource} ${f.task} on ${n.name} returned '${f.exitstatus}' (${f.exitreason}) at ${ctime(f.at)}`);
    }
  }
  return `${out.join('\n')}\n`;
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
