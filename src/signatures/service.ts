import { basename, dirname } from 'node:path';
import { unrotatedPath } from './globs.js';

/**
 * Service name of a log file: `/var/log/cinder/cinder-scheduler.log` is `cinder-scheduler`,
 * `/var/log/neutron/server.log` is `neutron-server`; the fetch's `journal:nova-compute.service` is
 * `nova-compute`.
 */
export function serviceOfLog(file: string): string {
  // Streams the remote fetch labels itself: `journal:<unit>` is that unit, `dmesg` the kernel.
  if (file.startsWith('journal:')) return file.slice('journal:'.length).replace(/\.service$/, '');
  if (file === 'dmesg') return 'kernel';
  const live = unrotatedPath(file);
  const base = basename(live).replace(/\.log$/, '');
  const project = basename(dirname(live));
  return base.startsWith(project) || project === 'log' ? base : `${project}-${base}`;
}
