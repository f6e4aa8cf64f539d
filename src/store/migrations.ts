/** Schema migrations, applied in order; the database's `user_version` is the last one applied. */
export const migrations: readonly { readonly version: number; readonly description: string; readonly sql: string }[] = [
  {
    version: 1,
    description: 'audit log',
    sql: `
      CREATE TABLE audit_invocation (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        via TEXT NOT NULL,
        channel TEXT,
        command TEXT NOT NULL,
        family TEXT,
        name TEXT,
        node TEXT,
        kind TEXT NOT NULL,
        outcome TEXT,
        detail TEXT
      );
      CREATE INDEX audit_invocation_started ON audit_invocation(started_at);
      CREATE TABLE audit_remote (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        invocation_id INTEGER NOT NULL REFERENCES audit_invocation(id),
        at TEXT NOT NULL,
        node TEXT NOT NULL,
        command TEXT NOT NULL,
        ok INTEGER NOT NULL,
        exit_code INTEGER,
        failure TEXT,
        duration_ms INTEGER NOT NULL
      );
      CREATE INDEX audit_remote_invocation ON audit_remote(invocation_id);
    `,
  },
  {
    version: 2,
    description: 'Slack confirmations (pending dangerous commands survive a restart)',
    sql: `
      CREATE TABLE slack_confirmation (
        id TEXT PRIMARY KEY,
        audit_id INTEGER NOT NULL,
        command TEXT NOT NULL,
        permission TEXT NOT NULL,
        plan_json TEXT NOT NULL,
        channel TEXT NOT NULL,
        message_ts TEXT,
        requested_by TEXT NOT NULL,
        requested_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        state TEXT NOT NULL,
        decided_by TEXT,
        decided_at TEXT
      );
      CREATE INDEX slack_confirmation_pending ON slack_confirmation(state, expires_at);
    `,
  },
];
