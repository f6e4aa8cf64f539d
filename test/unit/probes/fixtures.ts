import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProbeOutput } from '../../../src/probes/types.js';

const ROOT = fileURLToPath(new URL('../../fixtures/probes/', import.meta.url));

/** The text of a fixture under test/fixtures/probes/. */
export function fixture(path: string): string {
  return readFileSync(ROOT + path, 'utf8');
}

/** A probe output whose stdout is the fixture. */
export function stdoutOf(path: string, exitCode = 0): ProbeOutput {
  return { stdout: fixture(path), stderr: '', exitCode };
}

/** A probe output whose stderr is the fixture and stdout empty. */
export function stderrOf(path: string, exitCode: number): ProbeOutput {
  return { stdout: '', stderr: fixture(path), exitCode };
}

/** Narrows a probe result to ok, failing the test with the reason otherwise. */
export function okValue<T>(result: { kind: 'ok'; value: T } | { kind: 'unknown'; reason: string; raw: string }): T {
  if (result.kind !== 'ok') throw new Error(`expected ok, got unknown: ${result.reason}`);
  return result.value;
}

/**
 * A probe output recorded as three files, `<base>.stdout`, `<base>.stderr` and `<base>.exitcode`
 * (the last two optional: empty stderr, exit code 0).
 */
export function recordedOutput(base: string): ProbeOutput {
  const optional = (suffix: string): string | undefined => (existsSync(ROOT + base + suffix) ? fixture(base + suffix) : undefined);
  return {
    stdout: optional('.stdout') ?? '',
    stderr: optional('.stderr') ?? '',
    exitCode: Number((optional('.exitcode') ?? '0').trim()),
  };
}
