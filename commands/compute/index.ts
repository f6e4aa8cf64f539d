import { defineFamily } from '../../src/router/command.js';
import fixLibvirt from './fix-libvirt.js';

/** `/compute`: compute node repairs. */
export default defineFamily({
  name: 'compute',
  summary: 'compute nodes: bring nova-compute back',
  commands: [fixLibvirt],
});
