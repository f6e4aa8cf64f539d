/** `openstack` (and legacy `nova`/`neutron`) service and agent lists, from the derived rows. */
import { isoMicro } from '../logs/format.js';
import { galeraView, neutronAgentRows, novaServiceRows, vipPlacement } from '../state/derive.js';
import { PACEMAKER_VIPS } from '../state/topology.js';
import { fail, result, type ProgramContext, type ProgramDef, type ProgramResult } from '../shell/types.js';

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const sep = `+${w.map((n) => '-'.repeat(n + 2)).join('+')}+\n`;
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |\n`;
  return sep + line(headers) + sep + rows.map(line).join('') + sep;
}

function apiUnavailable(ctx: ProgramContext): ProgramResult | undefined {
  if (!ctx.env.get('OS_AUTH_URL')) {
    return fail('Missing value auth-url required for auth plugin password', 1);
  }
  const vip = vipPlacement(ctx.cluster).get(PACEMAKER_VIPS[0]?.id ?? '');
  if (!vip || !galeraView(ctx.cluster).primary) {
    return fail(
      "Failed to discover available identity versions when contacting http://192.168.0.2:5000/. Attempting to parse version from URL.\nUnable to establish connection to http://192.168.0.2:5000/: HTTPConnectionPool(host='192.168.0.2', port=5000): Max retries exceeded with url: / (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f1b2c3d4e50>: Failed to establish a new connection: [Errno 113] No route to host',))",
      1,
    );
  }
  return undefined;
}

function formatOf(args: readonly string[]): string {
  const i = args.findIndex((a) => a === '-f' || a === '--format');
  if (i >= 0) return args[i + 1] ?? 'table';
  return args.find((a) => a.startsWith('--format='))?.slice(9) ?? 'table';
}

function computeServices(ctx: ProgramContext, format: string): ProgramResult {
  const svcFilter = ctx.args[ctx.args.indexOf('--service') + 1];
  const hostFilter = ctx.args[ctx.args.indexOf('--host') + 1];
  const rows = novaServiceRows(ctx.cluster).filter(
    (r) => (!ctx.args.includes('--service') || r.binary === svcFilter) && (!ctx.args.includes('--host') || r.host === hostFilter),
  );
  if (format === 'json') {
    return result(
      `${JSON.stringify(
        rows.map((r) => ({ ID: r.id, Binary: r.binary, Host: r.host, Zone: r.zone, Status: r.status, State: r.state, 'Updated At': isoMicro(r.updatedAt) })),
        null,
        2,
      )}\n`,
    );
  }
  return result(
    table(
      ['ID', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Updated At'],
      rows.map((r) => [String(r.id), r.binary, r.host, r.zone, r.status, r.state, isoMicro(r.updatedAt)]),
    ),
  );
}

function networkAgents(ctx: ProgramContext, format: string): ProgramResult {
  const hostFilter = ctx.args[ctx.args.indexOf('--host') + 1];
  const rows = neutronAgentRows(ctx.cluster).filter((r) => !ctx.args.includes('--host') || r.host === hostFilter);
  if (format === 'json') {
    return result(
      `${JSON.stringify(
        rows.map((r) => ({
          ID: r.id,
          'Agent Type': r.agentType,
          Host: r.host,
          'Availability Zone': r.availabilityZone,
          Alive: r.alive,
          State: r.adminStateUp,
          Binary: r.binary,
        })),
        null,
        2,
      )}\n`,
    );
  }
  return result(
    table(
      ['ID', 'Agent Type', 'Host', 'Availability Zone', 'Alive', 'State', 'Binary'],
      rows.map((r) => [r.id, r.agentType, r.host, r.availabilityZone ?? 'None', r.alive ? ':-)' : 'XXX', r.adminStateUp ? 'UP' : 'DOWN', r.binary]),
    ),
  );
}

function openstack(ctx: ProgramContext): ProgramResult {
  const words = ctx.args.filter((a) => !a.startsWith('-'));
  const cmd = words.slice(0, 3).join(' ');
  const down = apiUnavailable(ctx);
  if (down) return down;
  const format = formatOf(ctx.args);
  if (cmd === 'compute service list') return computeServices(ctx, format);
  if (cmd === 'network agent list') return networkAgents(ctx, format);
  return fail(`openstack: '${words.join(' ')}' is not an openstack command. See 'openstack --help'.`, 2);
}

function nova(ctx: ProgramContext): ProgramResult {
  if (ctx.args[0] !== 'service-list') return fail(`error: argument <subcommand>: invalid choice: '${ctx.args[0] ?? ''}'`, 2);
  const down = apiUnavailable(ctx);
  if (down) return down;
  const rows = novaServiceRows(ctx.cluster);
  return result(
    table(
      ['Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at', 'Disabled Reason'],
      rows.map((r) => [String(r.id), r.binary, r.host, r.zone, r.status, r.state, isoMicro(r.updatedAt), '-']),
    ),
  );
}

function neutron(ctx: ProgramContext): ProgramResult {
  if (ctx.args[0] !== 'agent-list') return fail(`Unknown command ['${ctx.args[0] ?? ''}']`, 2);
  const down = apiUnavailable(ctx);
  if (down) return down;
  const rows = neutronAgentRows(ctx.cluster);
  return result(
    table(
      ['id', 'agent_type', 'host', 'availability_zone', 'alive', 'admin_state_up', 'binary'],
      rows.map((r) => [r.id, r.agentType, r.host, r.availabilityZone ?? '', r.alive ? ':-)' : 'xxx', 'True', r.binary]),
    ),
  );
}

/** OpenStack clients, on controllers and on TripleO's undercloud (which holds the overcloudrc). */
export const openstackPrograms: Record<string, ProgramDef> = {
  openstack: { roles: ['controller', 'undercloud'], run: openstack },
  nova: { roles: ['controller'], run: nova },
  neutron: { roles: ['controller'], run: neutron },
};
