import { remote, ShellScript } from '../ssh/shell.js';
import { readCliRows } from './openstack-cli.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** One neutron agent (L3, DHCP, metadata, Open vSwitch ...). */
export interface NeutronAgent {
  readonly id: string;
  readonly agentType: string;
  readonly host: string;
  /** The agent's heartbeat reached neutron-server recently. */
  readonly alive: boolean;
  readonly adminStateUp: boolean;
  readonly binary: string;
}

/** The value of the `neutron-agents` probe. */
export interface NeutronAgents {
  readonly format: 'json' | 'table';
  readonly agents: readonly NeutronAgent[];
}

/** `true`, `:-)`, `True`, `UP` read as true; `false`, `XXX`, `xxx`, `DOWN` as false. */
function truthy(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === ':-)' || v === 'true' || v === 'up') return true;
  if (v === 'xxx' || v === 'false' || v === 'down') return false;
  return undefined;
}

function pick(row: Readonly<Record<string, unknown>>, ...keys: string[]): unknown {
  for (const k of keys) if (row[k] !== undefined) return row[k];
  return undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

/** Reads `openstack network agent list -f json`, its table, or legacy `neutron agent-list`. */
export function parseNeutronAgents(output: ProbeOutput): ProbeResult<NeutronAgents> {
  const raw = rawText(output);
  const read = readCliRows(output.stdout, output.stderr);
  if (!read.ok) return unknown(read.reason, raw);
  const agents: NeutronAgent[] = [];
  for (const row of read.rows) {
    const alive = truthy(pick(row, 'Alive', 'alive'));
    const adminStateUp = truthy(pick(row, 'State', 'Admin State Up', 'admin_state_up'));
    const host = text(pick(row, 'Host', 'host'));
    if (alive === undefined || adminStateUp === undefined || host === '') {
      return unknown(`unreadable agent row: ${JSON.stringify(row)}`, raw);
    }
    agents.push({
      id: text(pick(row, 'ID', 'id')),
      agentType: text(pick(row, 'Agent Type', 'agent_type')),
      host,
      alive,
      adminStateUp,
      binary: text(pick(row, 'Binary', 'binary')),
    });
  }
  return ok({ format: read.format, agents });
}

/** Every neutron agent with its liveness; all of them down usually means RabbitMQ trouble. */
export const neutronAgents = {
  id: 'neutron-agents',
  title: 'Neutron agents',
  roles: ['controller'],
  scope: 'cluster',
  command: remote(ShellScript.raw('openstack network agent list -f json'), { openrc: true }),
  timeoutMs: 60_000,
  parse: parseNeutronAgents,
} satisfies Probe<NeutronAgents>;
