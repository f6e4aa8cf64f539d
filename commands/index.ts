import type { CommandFamily } from '../src/router/command.js';
import cluster from './cluster/index.js';

/** Every command family stackmedic serves, in help order. */
export const builtinFamilies: readonly CommandFamily[] = [cluster];
