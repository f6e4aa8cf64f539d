import { defineFamily } from '../../src/router/command.js';
import cleanup from './cleanup.js';
import restart from './restart.js';

/** `/pacemaker`: the cluster resource manager on the controllers. */
export default defineFamily({
  name: 'pacemaker',
  summary: 'pacemaker on the controllers: restart it, clean up failed resources (quorum-guarded)',
  commands: [restart, cleanup],
});
