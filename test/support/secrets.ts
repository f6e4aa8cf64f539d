import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One secret shape of test/fixtures/secrets/corpus.yaml. */
export interface SecretShape {
  readonly id: string;
  readonly shape: string;
  readonly text: string;
  readonly secrets: readonly string[];
  readonly keep: readonly string[];
  /** Only meaningful at the start of a line (multi-word values, blocks). */
  readonly file: boolean;
}

interface CorpusFile {
  shapes: { id: string; shape: string; text: string; secrets: (string | number)[]; keep?: string[]; file?: boolean }[];
  cut: { id: string; shape: string; text: string; secrets: string[] }[];
}

const DIR = join(import.meta.dirname, '../fixtures/secrets');

function load(): CorpusFile {
  return parse(readFileSync(join(DIR, 'corpus.yaml'), 'utf8')) as CorpusFile;
}

/** The secret shapes. */
export function secretShapes(): SecretShape[] {
  return load().shapes.map((s) => ({ ...s, secrets: s.secrets.map(String), keep: s.keep ?? [], file: s.file === true }));
}

/** Outputs a cap cut inside a secret. */
export function cutShapes(): SecretShape[] {
  return load().cut.map((s) => ({ ...s, keep: [], file: false }));
}

/** Lines that must pass redaction unchanged. */
export function benignLines(): string[] {
  return (parse(readFileSync(join(DIR, 'benign.yaml'), 'utf8')) as { lines: string[] }).lines;
}

/** Pieces of a secret that must not show: every 8-character window (the whole of a shorter one). */
export function secretWindows(secret: string, width = 8): string[] {
  if (secret.length <= width) return [secret];
  const out: string[] = [];
  for (let i = 0; i + width <= secret.length; i++) out.push(secret.slice(i, i + width));
  return out;
}

/** The windows of `shape`'s secrets that `output` shows. */
export function leaks(output: string, shape: Pick<SecretShape, 'secrets'>): string[] {
  return shape.secrets.flatMap((s) => secretWindows(s)).filter((w) => output.includes(w));
}

/** Whether `output` shows at least one window of each of `shape`'s secrets (the door carried the text). */
export function showsEverySecret(output: string, shape: Pick<SecretShape, 'secrets'>): boolean {
  return shape.secrets.every((s) => secretWindows(s).some((w) => output.includes(w)));
}

/** `text` with every line prefixed by a service log header, as a log file holds it. */
export function asLogLines(text: string, header = '2017-02-14 05:49:45.123 29058 ERROR nova.compute.manager [-] '): string {
  return text
    .split('\n')
    .map((l) => `${header}${l}`)
    .join('\n');
}
