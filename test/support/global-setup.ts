/**
 * Vitest global setup: before any test file starts a real sshd or RabbitMQ, check that they are
 * installed (`npm test` installs them first; a direct `vitest run` on a machine without them gets
 * one line saying what to install, not a dozen files failing on `spawn ENOENT`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const script = join(import.meta.dirname, 'components.mjs');
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr || `stackmedic tests: ${script} failed (exit ${String(r.status)})\n`);
    process.exit(2);
  }
}
