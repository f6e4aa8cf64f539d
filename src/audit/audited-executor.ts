import type { RemoteCommand } from '../ssh/shell.js';
import type { ExecOptions, ExecOutcome, FanOutOptions } from '../ssh/types.js';
import type { Executor } from '../ssh/types.js';
import type { AuditLog } from './audit-log.js';

/** An executor that records every remote command, its exit code or failure, with an invocation. */
export class AuditedExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly audit: AuditLog,
    private readonly invocationId: number,
  ) {}

  async exec(node: string, command: RemoteCommand, options?: ExecOptions): Promise<ExecOutcome> {
    const r = await this.inner.exec(node, command, options);
    await this.write(r);
    return r;
  }

  async fanOut(nodes: readonly string[], command: RemoteCommand, options?: FanOutOptions): Promise<ExecOutcome[]> {
    const results = await this.inner.fanOut(nodes, command, options);
    for (const r of results) await this.write(r);
    return results;
  }

  private write(r: ExecOutcome): Promise<void> {
    return this.audit.remote(this.invocationId, {
      node: r.node,
      command: r.command,
      ok: r.ok,
      exitCode: r.ok ? r.exitCode : null,
      failure: r.ok ? null : `${r.kind}: ${r.message}`,
      durationMs: r.durationMs,
    });
  }
}
