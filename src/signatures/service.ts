import { basename, dirname } from 'node:path';
import { unrotatedPath } from './globs.js';

/**
 * Service name of a log file: `/var/log/cinder/cinder-scheduler.log` is `cinder-scheduler`,
 * `/var/log/neutron/server.log` is `neutron-server`.
 */
export function serviceOfLog(file: string): string {
  const live = unrotatedPath(file);
  const base = basename(live).replace(/\.log$/, '');
  const project = basename(dirname(live));
  return base.startsWith(project) || project === 'log' ? base : `${project}-${base}`;
}
