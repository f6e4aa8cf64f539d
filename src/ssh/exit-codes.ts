import { redact, redactAndCut } from '../redact.js';

/** Turns a remote exit status into words, as operators read them. */
export function describeExit(exitCode: number | null, signal?: string): string {
  if (exitCode === null) return signal ? `killed by signal ${signal}` : 'killed';
  switch (exitCode) {
    case 0:
      return 'ok';
    case 1:
      return 'failed (exit 1)';
    case 2:
      return 'misuse or error (exit 2)';
    case 69:
      return 'service unavailable (exit 69)';
    case 124:
      return 'timed out on the node (exit 124)';
    case 126:
      return 'not executable (exit 126)';
    case 127:
      return 'command not found (exit 127)';
    default:
      return exitCode > 128 ? `killed by signal ${exitCode - 128} (exit ${exitCode})` : `failed (exit ${exitCode})`;
  }
}

/**
 * Keeps the last `maxLines` non-empty lines of an error output, each at most 200 characters. They
 * are shown to people, so secrets are hidden first, in the whole output, before any cut.
 */
export function tailLines(text: string, maxLines = 3): string {
  return redact(text, { keepLines: true })
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-maxLines)
    .map((l) => redactAndCut(l, 200))
    .join('\n');
}
