import type { CommandFamily, CommandSpec } from './command.js';
import { usageOf } from './command.js';

/** Help for one family: its commands with usage and summary. */
export function familyHelp(family: CommandFamily): string {
  const width = Math.max(...family.commands.map((c) => usageOf(c).length));
  const lines = [
    `/${family.name}: ${family.summary}`,
    ...family.commands.map((c) => `  ${usageOf(c).padEnd(width)}  ${c.summary}${c.dangerous ? ' (asks for confirmation)' : ''}`),
  ];
  if (family.defaultCommand)
    lines.push(`  (/${family.name} ${family.defaultCommand} may be shortened to /${family.name}: the words go to ${family.defaultCommand})`);
  return lines.join('\n');
}

/** Help for one command, with its arguments and flags. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${usageOf(spec)}`, spec.summary];
  for (const a of spec.args) lines.push(`  ${a.name.toUpperCase()}  ${a.description}${a.optional ? ' (optional)' : ''}`);
  for (const f of spec.flags ?? []) lines.push(`  --${f.name}${f.value ? ` ${f.value.hint}` : ''}  ${f.description}`);
  lines.push(`Needs role: ${spec.permission}${spec.dangerous ? '; asks for confirmation' : ''}`);
  return lines.join('\n');
}

/** Help for everything. */
export function globalHelp(families: readonly CommandFamily[]): string {
  return ['stackmedic commands:', ...families.map((f) => `  /${f.name.padEnd(10)} ${f.summary}  (/${f.name} help)`)].join('\n');
}

/** The closest of `candidates` to `word` (edit distance at most 2), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0;
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] ?? 0;
}
