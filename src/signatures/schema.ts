import { z } from 'zod';

/**
 * Glob charset for log paths. Globs are inserted unquoted in remote shell commands (the remote shell
 * must expand them), so only characters that are inert in a POSIX shell word, plus the glob
 * metacharacters `*` and `?`, are accepted.
 */
export const LOG_GLOB_CHARSET = /^\/[A-Za-z0-9_@.*?/+-]+$/;

/**
 * systemd unit names and the globs `journalctl -u` takes (`ceph-*@mon.*`, `devstack@*`): letters,
 * digits and `@ . _ : * ? -` only. They are quoted in the remote command; the charset keeps them to
 * what a unit name can be.
 */
export const JOURNAL_UNIT_CHARSET = /^[A-Za-z0-9][A-Za-z0-9@._:*?-]{0,127}$/;

/** Signature ids are stable kebab-case: templates, audit records and operators refer to them. */
export const SIGNATURE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const signatureId = z.string().regex(SIGNATURE_ID, 'a kebab-case id (lowercase letters, digits and single dashes)');

const logGlob = z
  .string()
  .regex(LOG_GLOB_CHARSET, 'an absolute path glob made of A-Z a-z 0-9 _ @ . * ? / + -')
  .refine((glob) => !glob.split('/').includes('..'), 'a path without ".." segments');

/** Severity, most to least urgent. */
export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
/** How urgent a signature's findings are. */
export type Severity = (typeof SEVERITIES)[number];

/** Where a log signature looks: files on the nodes with one of the roles. */
export const logSourceSchema = z
  .object({
    roles: z.array(z.string().min(1)).min(1, 'at least one role (e.g. controller)'),
    paths: z.array(logGlob).min(1, 'at least one absolute log path glob'),
    /**
     * Records of these logs may span lines whose matching text is not on the record's first line
     * (old RabbitMQ `=INFO REPORT====` reports): remote fetching then asks grep for context lines.
     */
    multiline: z.boolean().default(false),
    /**
     * systemd units whose journal carries these logs too (services that log to stdout under
     * systemd: cephadm's daemons, devstack): the remote fetch reads their journal for the
     * evidence window, capped in bytes per unit.
     */
    journal: z.array(z.string().regex(JOURNAL_UNIT_CHARSET, 'a systemd unit name or glob (letters, digits, @ . _ : * ? -)')).optional(),
    /**
     * The kernel's ring buffer stands in for the kernel log on nodes that keep none
     * (`/var/log/kern.log` and `/var/log/messages` both absent): the remote fetch reads `dmesg`.
     */
    kernel: z.boolean().optional(),
  })
  .strict();

/** Where a probe signature looks: a named fact computed from a probe's parsed output. */
export const probeSourceSchema = z
  .object({
    id: z.string().regex(SIGNATURE_ID, 'a probe id in kebab-case (e.g. pacemaker-status)'),
    fact: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a fact name in kebab-case (e.g. resources-stopped)'),
  })
  .strict();

const sourceSchema = z.union([z.object({ logs: logSourceSchema }).strict(), z.object({ probe: probeSourceSchema }).strict()]);

/** One signature as written in a catalog file (before cross-file checks). */
export const signatureSchema = z
  .object({
    id: signatureId,
    title: z.string().min(1).max(120),
    severity: z.enum(SEVERITIES),
    source: sourceSchema,
    patterns: z.array(z.string().min(1).max(2000)).default([]),
    literals: z.array(z.string().min(3, 'a literal of at least 3 characters')).optional(),
    ignoreCase: z.boolean().default(false),
    leadsTo: z.array(signatureId).default([]),
    clears: signatureId.optional(),
    /**
     * How far a recovery reaches (with `clears`): the node it was logged on (default), only the
     * service whose log showed it (`Reconnected to AMQP server` in one service's log says nothing
     * of the others), or the whole cluster (a cluster log's `Health check cleared`).
     */
    clearScope: z.enum(['node', 'service', 'cluster']).optional(),
    /**
     * A captured field both findings must agree on (with `clears`): `interface` makes eth1's link
     * coming up leave eth0's down link alone.
     */
    clearKey: z
      .string()
      .regex(/^[A-Za-z_$][\w$]*$/, 'a captured field name')
      .optional(),
    /**
     * Repeated events where one alone is noise (a mon election, one "wrongly marked me down"): a
     * finding is reported only when at least `count` of this signature were seen on the node
     * within `withinMinutes` of each other.
     */
    threshold: z
      .object({
        count: z.number().int().min(2, 'at least 2 (one occurrence needs no threshold)'),
        withinMinutes: z.number().positive().max(1440),
      })
      .strict()
      .optional(),
    /**
     * A log that should hold lines but is empty (a daemon still writing to the file log rotation
     * deleted): fires for a file the paths name that exists with no bytes while one of
     * `witnesses` on the same node has bytes, i.e. the daemon runs and logs. Such a signature has
     * no patterns: it is about the file, not its text.
     */
    empty: z
      .object({ witnesses: z.array(logGlob).min(1, 'at least one log that shows the daemon runs') })
      .strict()
      .optional(),
    /**
     * The package whose versions carry the bug, and the first fixed version of each release
     * series (the highest also covers later series): findings on a node say whether its
     * installed version is affected or fixed.
     */
    versions: z
      .object({
        package: z.string().regex(/^[a-z0-9][a-z0-9+.-]{0,99}$/, 'a package name (lowercase letters, digits, + . -)'),
        fixed: z.array(z.string().regex(/^(?:\d+:)?[0-9][A-Za-z0-9.+~-]*$/, 'a package version (2:17.0.1, 17.2.5-0ubuntu1)')).min(1),
      })
      .strict()
      .optional(),
    remediation: z.string().min(1),
    runbook: z.string().min(1).optional(),
    actionItems: z.array(z.string().min(1)).default([]),
    links: z.array(z.string().url()).default([]),
  })
  .strict();

/** A validated signature. */
export type Signature = z.infer<typeof signatureSchema>;
/** Where a log signature looks. */
export type LogSource = z.infer<typeof logSourceSchema>;
/** Which probe fact a probe signature reads. */
export type ProbeSource = z.infer<typeof probeSourceSchema>;

/** A signature read from log files. */
export type LogSignature = Signature & { readonly source: { readonly logs: LogSource } };
/** A signature evaluated on a probe fact. */
export type ProbeSignature = Signature & { readonly source: { readonly probe: ProbeSource } };

/** A signature about a log file being empty (its `empty` is set): read by size, never by text. */
export type EmptyLogSignature = LogSignature & { readonly empty: NonNullable<Signature['empty']> };

/** True when the signature is evaluated on the text of log files. */
export function isLogSignature(signature: Signature): signature is LogSignature {
  return 'logs' in signature.source && signature.empty === undefined;
}

/** True when the signature fires on an empty log file rather than on text. */
export function isEmptyLogSignature(signature: Signature): signature is EmptyLogSignature {
  return 'logs' in signature.source && signature.empty !== undefined;
}

/** True when the signature is evaluated on a probe fact. */
export function isProbeSignature(signature: Signature): signature is ProbeSignature {
  return 'probe' in signature.source;
}

/** One hit of a probe fact: which node it concerns, when it was seen, and what was captured. */
export interface FactHit {
  readonly node: string;
  /** ISO time of the observation (the snapshot time when the probe has no better one). */
  readonly time: string | null;
  readonly fields: Readonly<Record<string, string>>;
  /** Short evidence text (e.g. the crm_mon line), trimmed by the producer. */
  readonly text?: string;
}

/**
 * A probe fact: computed from a cluster snapshot by whoever owns the probe. The snapshot type is a
 * parameter because the health module defines it; the signature only names the fact.
 */
export type ProbeFact<Snapshot> = (snapshot: Snapshot) => readonly FactHit[];

/** Probe facts by `<probe id>/<fact name>`, as signatures reference them. */
export type ProbeFactRegistry<Snapshot> = ReadonlyMap<string, ProbeFact<Snapshot>>;

/** Registry key of a probe source. */
export function probeFactKey(source: ProbeSource): string {
  return `${source.id}/${source.fact}`;
}

/** A loaded, cross-checked catalog. */
export interface Catalog {
  readonly signatures: readonly Signature[];
  /** The file each signature came from, for messages. */
  readonly origin: ReadonlyMap<string, string>;
}
