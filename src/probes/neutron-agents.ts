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

/** A row of the agent list whose liveness or admin state could not be read. */
export interface NeutronAgentUnknown {
  readonly id: string;
  readonly agentType: string;
  readonly host: string;
  readonly binary: string;
  readonly reason: string;
}

/** The value of the `neutron-agents` probe. */
export interface NeutronAgents {
  readonly format: 'json' | 'table';
  /** The agents whose liveness and admin state were read. */
  readonly agents: readonly NeutronAgent[];
  /**
   * Rows that name a host but whose Alive or State cell is unreadable, when other rows read fine:
   * those agents are unknown, the rest of the listing still counts. Always set by the parser;
   * optional only so values built before the field existed still type-check.
   */
  readonly unknownAgents?: readonly NeutronAgentUnknown[];
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
  const unknownAgents: NeutronAgentUnknown[] = [];
  let unreadable: Readonly<Record<string, unknown>> | undefined;
  for (const row of read.rows) {
    const alive = truthy(pick(row, 'Alive', 'alive'));
    const adminStateUp = truthy(pick(row, 'State', 'Admin State Up', 'admin_state_up'));
    const host = text(pick(row, 'Host', 'host'));
    if (alive === undefined || adminStateUp === undefined || host === '') {
      unreadable ??= row;
      if (host !== '') {
        unknownAgents.push({
          id: text(pick(row, 'ID', 'id')),
          agentType: text(pick(row, 'Agent Type', 'agent_type')),
          host,
          binary: text(pick(row, 'Binary', 'binary')),
          reason: `unreadable Alive/State: ${JSON.stringify(pick(row, 'Alive', 'alive'))}/${JSON.stringify(pick(row, 'State', 'Admin State Up', 'admin_state_up'))}`,
        });
      }
      continue;
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
  // A listing with no readable row, or a row naming no host, is not one we understand at all.
  if (unreadable && (agents.length === 0 || unknownAgents.length < read.rows.length - agents.length)) {
    return unknown(`unreadable agent row: ${JSON.stringify(unreadable)}`, raw);
  }
  return ok({ format: read.format, agents, unknownAgents });
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
