/** The stackmedic CLI run in process, as the e2e tests of `run`, `diagnose`, `backup` ... use it. */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/cli.js';

/** What one CLI run ended with and printed. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved, as a terminal shows them. */
  readonly output: string;
}

/** Runs `stackmedic ARGV` in this process with `env` (HOME is kept) and `input` on stdin. */
export async function runCliInProcess(argv: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  let output = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
    output += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
    output += d.toString();
  });
  stdin.end(input);
  const code = await runCli(argv, { env: { HOME: process.env.HOME, ...env }, stdin, stdout, stderr });
  return { code, stdout: out, stderr: err, output };
}
