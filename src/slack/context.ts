import type { Logger } from '@slack/bolt';
import type { AuditLog } from '../audit/audit-log.js';
import type { Router } from '../router/router.js';
import type { PermissionResolver } from './permissions.js';
import type { SlackPoster } from './poster.js';
import { escapeMrkdwn } from './split.js';

/** What the Slack listeners share: built once by createSlackApp. */
export interface SlackDeps {
  readonly router: Router;
  readonly audit: AuditLog;
  readonly poster: SlackPoster;
  readonly permissions: PermissionResolver;
  readonly logger: Logger;
  /** Minimum time between two updates of a progress message. */
  readonly progressIntervalMs: number;
  readonly clock: () => Date;
}

/** The context line under a result: what ran, who asked, where to find it in the audit. */
export function footerFor(command: string, userId: string, auditId?: number): string {
  const shown = command.length > 300 ? `${command.slice(0, 299)}…` : command;
  // The command is echoed for context only; the audit record keeps it whole.
  return [`\`${escapeMrkdwn(shown.replace(/`/g, "'"))}\``, `<@${userId}>`, ...(auditId !== undefined ? [`audit #${auditId}`] : [])].join(' · ');
}
