// A replica in its own process for postgres-lease.spec.ts: takes the lease with the built
// LeaderLease on a real PostgreSQL, says "leading <holder>" once it holds it, then keeps renewing
// until it is killed. Usage: node postgres-lease-child.mjs URL NAME SECONDS
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { LeaderLease } from '../../dist/src/store/lease.js';
import { PostgresStore } from '../../dist/src/store/postgres-store.js';

const [url, name, seconds] = process.argv.slice(2);
const store = await PostgresStore.open({ url });
const lease = new LeaderLease(store, { name, seconds: Number(seconds), holder: `child-${process.pid}` });
lease.start();
const timer = setInterval(() => {
  if (lease.isLeader()) {
    process.stdout.write(`leading ${lease.holder}\n`);
    clearInterval(timer);
  }
}, 20);
// Stay alive (the lease's own timer is unref'd) until the test kills us.
setInterval(() => {}, 60_000);
