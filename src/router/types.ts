/** Permission levels, in increasing order of power. */
export type PermissionRole = 'viewer' | 'operator' | 'admin';

/** Who asked, and through which door. */
export interface Actor {
  /** Slack user id, or `console:<unix user>`, or `scheduler`. */
  readonly id: string;
  readonly name: string;
  readonly via: 'console' | 'slack' | 'scheduler';
  /** Slack channel (or `console`). */
  readonly channel?: string | undefined;
}

/** A Block Kit block, kept structural so that rendering code stays free of the Slack SDK. */
export type SlackBlock = Record<string, unknown> & { readonly type: string };

/** A file to attach: output too long for a message, or a picture. */
export interface ReplyFile {
  readonly filename: string;
  readonly title: string;
  /** The file's text; for a binary file, the text shown where the file cannot be attached. */
  readonly content: string;
  /** A binary file's bytes (a PNG), base64 so that a reply stays JSON (the outbox stores replies as JSON). */
  readonly base64?: string | undefined;
}

/** What a command answers: a one-line verdict first, then details. */
export interface Reply {
  /** false when the command failed or found problems worth a non-zero exit code. */
  readonly ok: boolean;
  /** One line: the verdict. */
  readonly title: string;
  /** Plain-text details for the terminal (may be empty). */
  readonly text: string;
  /** Block Kit rendering for Slack; the adapter derives one from `text` when absent. */
  readonly blocks?: readonly SlackBlock[] | undefined;
  /** Machine-readable result for `--json`. */
  readonly data?: unknown;
  /** Long output to attach as a file. */
  readonly files?: readonly ReplyFile[] | undefined;
}

/** One remote action a dangerous command will take, shown before confirmation. */
export interface PlannedAction {
  readonly node: string;
  readonly description: string;
  /** The exact command text that will be sent. */
  readonly command: string;
}

/** What a dangerous command will do, shown for confirmation. */
export interface ActionPlan {
  readonly summary: string;
  readonly actions: readonly PlannedAction[];
}

/** A progress report while a long command runs ("step 2/5: restarting libvirtd..."). */
export type ProgressSink = (message: string) => void;

/** Parsed, validated arguments of one invocation. */
export interface ParsedArgs {
  readonly positional: Readonly<Record<string, string | undefined>>;
  readonly flags: ReadonlySet<string>;
  readonly options: Readonly<Record<string, string | undefined>>;
}
