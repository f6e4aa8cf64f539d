import { basename, dirname } from 'node:path';
import { unrotatedPath } from './globs.js';

/**
 * Service name of a log file: `/var/log/cinder/cinder-scheduler.log` is `cinder-scheduler`,
 * `/var/log/neutron/server.log` is `neutron-server`; the fetch's `journal:nova-compute.service` is
 * `nova-compute`.
 */
export function serviceOfLog(file: string): string {
  let service = known.get(file);
  if (service === undefined) {
    // The chain asks for the same few files' services once per pair of findings.
    if (known.size >= 4096) known.clear();
    known.set(file, (service = serviceOf(file)));
  }
  return service;
}

const known = new Map<string, string>();

function serviceOf(file: string): string {
  // Streams the remote fetch labels itself: `journal:<unit>` is that unit, `dmesg` the kernel.
  if (file.startsWith('journal:')) return file.slice('journal:'.length).replace(/\.service$/, '');
  if (file === 'dmesg') return 'kernel';
  const live = unrotatedPath(file);
  const base = basename(live).replace(/\.log$/, '');
  const project = basename(dirname(live));
  return base.startsWith(project) || project === 'log' ? base : `${project}-${base}`;
}
