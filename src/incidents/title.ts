import type { Incident } from './types.js';

/**
 * An incident's title as people read it. With several clusters (the incident carries its cluster)
 * it starts with the cluster, so a thread, a list or a post-mortem read out of its channel still
 * says where: "[west] Root disk full (ENOSPC) on node-10". One cluster's incidents read as stored.
 */
export function incidentTitle(incident: Pick<Incident, 'title' | 'cluster'>): string {
  return incident.cluster ? `[${incident.cluster}] ${incident.title}` : incident.title;
}
