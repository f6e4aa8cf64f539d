import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { simulate } from './helpers.js';

/**
 * `set --` and "$@" in the simulator's shell, as dash does them: the log fetch keeps each group's
 * grep patterns there once. Each script is also run by the host's real sh, which must agree.
 */
const { sh } = simulate('healthy');

const real = (script: string): string => spawnSync('sh', ['-c', script], { encoding: 'utf8' }).stdout;

describe('positional parameters in the simulated shell', () => {
  const cases = [
    // One word per parameter, spaces and quotes kept; none at all when there are none.
    `set -- -e 'a b' -e "it's"; for w in "$@"; do echo "[$w]"; done`,
    `set --; for w in "$@"; do echo "[$w]"; done; echo end`,
    `set -- x y z; echo "$#" "$1" "$3" "$4"`,
    // A later set replaces the earlier one, and other options are ignored.
    `set -- a; set -- b c; echo "$@"; set -e; echo "$#"`,
    `printf 'one\\ntwo words\\nthree\\n' | { set -- -e 'two w' -e three; grep -F "$@"; }`,
  ];
  for (const script of cases) {
    it(`prints what sh prints for ${JSON.stringify(script)}`, async () => {
      const r = await sh('node-10', script);
      expect(r.stdout).toBe(real(script));
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }
});
