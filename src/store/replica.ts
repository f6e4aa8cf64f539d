import type { SqlStore } from './sql-store.js';

/** Options of a replica's heartbeat. */
export interface ReplicaHeartbeatOptions {
  /** This replica's name (the holder name its leases and locks carry). */
  readonly name: string;
  /** How long one beat keeps the replica alive (STACKMEDIC_LEASE_SECONDS). */
  readonly seconds: number;
  readonly log?: (line: string) => void;
}

/**
 * A replica's heartbeat in the shared store: a row saying "alive until" on the database clock,
 * renewed every third of `seconds`. Another replica starting marks as interrupted only the
 * audit rows of replicas whose heartbeat lapsed, never the work of one that is alive.
 */
export class ReplicaHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<boolean> | undefined;

  constructor(
    private readonly store: SqlStore,
    private readonly options: ReplicaHeartbeatOptions,
  ) {}

  /** One beat; false when the store did not take it (the next beat tries again). */
  beat(): Promise<boolean> {
    this.beating ??= this.store
      .run(
        `INSERT INTO stackmedic_replica (name, started_at, expires_at_ms) VALUES (?, ?, ${this.store.nowMs} + ?)
         ON CONFLICT (name) DO UPDATE SET expires_at_ms = excluded.expires_at_ms`,
        [this.options.name, new Date().toISOString(), Math.round(this.options.seconds * 1000)],
      )
      .then(
        () => true,
        () => false,
      )
      .finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Beats now, then every third of the lifetime, until {@link ReplicaHeartbeat.stop}. */
  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(100, (this.options.seconds * 1000) / 3));
    this.timer.unref();
  }

  /** Stops beating and removes the row: this replica's work is over (what it left is marked by the next start). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.store
      .run('DELETE FROM stackmedic_replica WHERE name = ?', [this.options.name])
      .catch((error: unknown) => this.options.log?.(`stackmedic: could not remove the heartbeat of ${this.options.name}: ${String(error)}`));
  }
}
