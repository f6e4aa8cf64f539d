import { defineFamily } from '../../src/router/command.js';
import list from './list.js';
import show from './show.js';
import resolve from './resolve.js';
import postmortem from './postmortem.js';
import stats from './stats.js';

/** `/incident`: the incidents the scheduled check opened, their summaries and post-mortems. */
export default defineFamily({
  name: 'incident',
  summary: 'incidents: list, show, resolve, post-mortem, signature stats',
  commands: [list, show, resolve, postmortem, stats],
});
