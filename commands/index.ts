import type { CommandFamily } from '../src/router/command.js';
import cluster from './cluster/index.js';
import compute from './compute/index.js';
import pacemaker from './pacemaker/index.js';
import rabbit from './rabbit/index.js';
import incident from './incident/index.js';
import trace from './trace.js';

/** Every command family stackmedic serves, in help order. */
export const builtinFamilies: readonly CommandFamily[] = [cluster, rabbit, pacemaker, compute, incident, trace];
