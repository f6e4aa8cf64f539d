import { remote, ShellScript } from '../ssh/shell.js';
import { cell, readCliRows } from './openstack-cli.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** One nova service (nova-compute on a hypervisor, nova-scheduler on a controller ...). */
export interface NovaService {
  readonly id: string;
  readonly binary: string;
  readonly host: string;
  readonly zone: string;
  readonly status: 'enabled' | 'disabled';
  readonly state: 'up' | 'down';
  /** The last heartbeat as nova reports it (UTC, no zone), when shown. */
  readonly updatedAt: string | undefined;
}

/**
 * A service nova listed but could not describe: from microversion 2.69 (which openstackclient 6+
 * negotiates by itself) the services of a cell nova cannot reach come back with binary, host and
 * status `UNKNOWN` only. Its state is unknown, not down.
 */
export interface NovaServiceUnknown {
  readonly binary: string;
  readonly host: string;
  /** What nova put in the Status column: `UNKNOWN`. */
  readonly status: string;
  readonly reason: string;
}

/** The value of the `nova-services` probe. */
export interface NovaServices {
  readonly format: 'json' | 'table';
  /** The services nova reported in full. */
  readonly services: readonly NovaService[];
  /**
   * Services of a down cell: listed, but neither up nor down. Always set by the parser; optional
   * only so values built before the field existed still type-check.
   */
  readonly unknownServices?: readonly NovaServiceUnknown[];
}

/** Reads `openstack compute service list -f json`, or its table / `nova service-list`. */
export function parseNovaServices(output: ProbeOutput): ProbeResult<NovaServices> {
  const raw = rawText(output);
  const read = readCliRows(output.stdout, output.stderr);
  if (!read.ok) return unknown(read.reason, raw);
  const services: NovaService[] = [];
  const unknownServices: NovaServiceUnknown[] = [];
  for (const row of read.rows) {
    const binary = cell(row, 'Binary', 'binary');
    const host = cell(row, 'Host', 'host');
    const status = cell(row, 'Status', 'status')?.toLowerCase();
    const state = cell(row, 'State', 'state')?.toLowerCase();
    if (binary && host && status === 'unknown') {
      unknownServices.push({
        binary,
        host,
        status: cell(row, 'Status', 'status') ?? '',
        reason: 'nova reports this service as UNKNOWN: its cell is unreachable',
      });
      continue;
    }
    if (!binary || !host || (status !== 'enabled' && status !== 'disabled') || (state !== 'up' && state !== 'down')) {
      return unknown(`unreadable service row: ${JSON.stringify(row)}`, raw);
    }
    services.push({
      id: cell(row, 'ID', 'Id', 'id') ?? '',
      binary,
      host,
      zone: cell(row, 'Zone', 'zone') ?? '',
      status,
      state,
      updatedAt: cell(row, 'Updated At', 'Updated_at', 'updated_at') || undefined,
    });
  }
  return ok({ format: read.format, services, unknownServices });
}

/** Every nova service in the cloud with its admin status and liveness. */
export const novaServices = {
  id: 'nova-services',
  title: 'Nova services',
  roles: ['controller'],
  scope: 'cluster',
  command: remote(ShellScript.raw('openstack compute service list -f json'), { openrc: true }),
  timeoutMs: 60_000,
  parse: parseNovaServices,
} satisfies Probe<NovaServices>;
