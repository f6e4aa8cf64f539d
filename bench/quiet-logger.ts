import { LogLevel, type Logger } from '@slack/bolt';

/**
 * The Bolt logger of the bench's bot processes: errors to stderr, everything else dropped, so a
 * process's stdout stays the JSON lines its parent reads and a run's output stays short.
 */
export function quietLogger(): Logger {
  const quiet = (): void => undefined;
  return {
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (...m) => process.stderr.write(`${m.map(String).join(' ')}\n`),
    setLevel: quiet,
    getLevel: () => LogLevel.ERROR,
    setName: quiet,
  };
}
