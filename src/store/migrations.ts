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
  {
    version: 3,
    description: 'incidents: evidence, timeline events and their Slack messages',
    sql: `
      CREATE TABLE incident (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        severity TEXT NOT NULL,
        title TEXT NOT NULL,
        root_signature TEXT NOT NULL,
        root_node TEXT NOT NULL,
        chain_json TEXT,
        chain_text TEXT NOT NULL,
        impact_json TEXT NOT NULL DEFAULT '[]',
        next_steps_json TEXT NOT NULL DEFAULT '[]',
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_bad_at TEXT NOT NULL,
        green_since TEXT,
        resolved_at TEXT,
        resolved_by TEXT,
        resolution TEXT,
        reopen_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX incident_status ON incident(status, resolved_at);
      CREATE TABLE incident_evidence (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incident(id),
        key TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('probe', 'log')),
        signature TEXT NOT NULL,
        node TEXT NOT NULL,
        file TEXT,
        line INTEGER,
        time TEXT,
        fields_json TEXT NOT NULL,
        text TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        UNIQUE (incident_id, key)
      );
      CREATE TABLE incident_event (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incident(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        actor TEXT,
        audit_id INTEGER,
        UNIQUE (incident_id, audit_id)
      );
      CREATE INDEX incident_event_incident ON incident_event(incident_id, id);
      CREATE TABLE incident_slack (
        incident_id INTEGER PRIMARY KEY REFERENCES incident(id),
        channel TEXT NOT NULL,
        ts TEXT NOT NULL,
        last_event_id INTEGER NOT NULL DEFAULT 0,
        summary_hash TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 4,
    description: 'Slack request signatures seen within the timestamp window (replays are refused, across restarts)',
    sql: `
      CREATE TABLE slack_request_seen (
        signature TEXT PRIMARY KEY,
        request_ts INTEGER NOT NULL,
        seen_at TEXT NOT NULL
      );
      CREATE INDEX slack_request_seen_ts ON slack_request_seen(request_ts);
    `,
  },
  {
    version: 5,
    description: 'undelivered Slack answers (the outbox) and the Slack messages of running commands (updated after a crash)',
    sql: `
      CREATE TABLE slack_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        ephemeral INTEGER NOT NULL,
        audit_id INTEGER,
        title TEXT NOT NULL,
        reply_json TEXT NOT NULL,
        footer TEXT NOT NULL,
        replace_ts TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'expired')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        ended_at TEXT
      );
      CREATE INDEX slack_outbox_due ON slack_outbox(state, next_attempt_at);
      CREATE TABLE slack_run_message (
        channel TEXT NOT NULL,
        ts TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        content_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'settled', 'announced')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, ts)
      );
      CREATE INDEX slack_run_message_state ON slack_run_message(state);
    `,
  },
  {
    version: 6,
    description: "leader leases: which replica runs each cluster's scheduled checks, until when (database clock, epoch ms)",
    sql: `
      CREATE TABLE leader_lease (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        acquired_at_ms INTEGER NOT NULL,
        term INTEGER NOT NULL
      );
    `,
  },
  {
    version: 7,
    description: 'runbook locks across replicas (holder: replica, actor, run; expiry on the database clock) and replica heartbeats',
    sql: `
      CREATE TABLE runbook_lock (
        name TEXT PRIMARY KEY,
        replica TEXT NOT NULL,
        actor TEXT NOT NULL,
        run_id TEXT NOT NULL,
        command TEXT NOT NULL,
        since TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      CREATE TABLE stackmedic_replica (
        name TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        expires_at_ms INTEGER NOT NULL
      );
      ALTER TABLE audit_invocation ADD COLUMN replica TEXT;
    `,
  },
  {
    version: 8,
    description: 'signature hit statistics: per scheduled check, the signatures that fired and the error records recognised',
    sql: `
      CREATE TABLE check_run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        cluster TEXT NOT NULL,
        errors INTEGER NOT NULL,
        classified INTEGER NOT NULL
      );
      CREATE INDEX check_run_at ON check_run(at_ms);
      CREATE TABLE check_signature_hit (
        check_id INTEGER NOT NULL REFERENCES check_run(id),
        signature TEXT NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (check_id, signature)
      );
    `,
  },
  {
    version: 9,
    description: 'several clusters: the cluster of each incident and audit invocation (NULL in a one-cluster installation)',
    sql: `
      ALTER TABLE incident ADD COLUMN cluster TEXT;
      CREATE INDEX incident_cluster_status ON incident(cluster, status);
      ALTER TABLE audit_invocation ADD COLUMN cluster TEXT;
    `,
  },
  {
    version: 10,
    description: "Alertmanager's firing alerts and their groups, per cluster, shared by every replica (the alert book)",
    sql: `
      CREATE TABLE alert_firing (
        cluster TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        group_id TEXT NOT NULL,
        alert TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        PRIMARY KEY (cluster, fingerprint)
      );
      CREATE INDEX alert_firing_seen ON alert_firing(cluster, last_seen_ms);
      CREATE TABLE alert_group (
        cluster TEXT NOT NULL,
        group_id TEXT NOT NULL,
        grp TEXT NOT NULL,
        spec TEXT,
        last_seen_ms INTEGER NOT NULL,
        PRIMARY KEY (cluster, group_id)
      );
    `,
  },
  {
    version: 11,
    description: "Alertmanager's alerts no cluster could be given, shared by every replica (one row per fingerprint, bounded)",
    sql: `
      CREATE TABLE alert_unrouted (
        fingerprint TEXT PRIMARY KEY,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        times INTEGER NOT NULL,
        alertname TEXT NOT NULL,
        status TEXT NOT NULL,
        grp TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        fix TEXT NOT NULL,
        labels TEXT NOT NULL
      );
      CREATE INDEX alert_unrouted_seen ON alert_unrouted(last_seen_ms);
    `,
  },
];
