import { describe, expect, it } from 'vitest';
import { runBoth, type FileSet } from './real-shell.js';

/** Matches at the edges, adjacent, near each other and far apart: every context and separator case. */
const FILES: FileSet = {
  t1: 'a1\nb2\nc3 X\nd4\ne5\nf6\ng7 X\nh8\ni9\nj10\nk11\nl12\nm13 X\n',
  t2: 'X first\nX second\nno\nx4 lower\nno\nno\nX7\n',
  'nova-api.log.1.2017-05-16_13:53:08': 'req X\nother\n',
  'old.log.2.gz': 'z1\nX gz\nz3\nz4\n',
};

describe('grep, compared with GNU grep on the same files', () => {
  it.each([
    ['-H -Z -n -F', 'grep -H -Z -n -F -e X -- t1 t2'],
    ['-Z after a name holding colons', 'grep -H -Z -n -F -e X -- nova-api.log.1.2017-05-16_13:53:08'],
    ['-B 6 -A 2 as the fetch sends them', 'grep -H -Z -n -F -B 6 -A 2 -e X -- t1 t2'],
    ['-B 1 -A 1 without -Z', 'grep -n -B 1 -A 1 X t1 t2'],
    ['-C 1', 'grep -H -n -C 1 X t1 t2'],
    ['-C 0 still separates groups', 'grep -n -C 0 X t1'],
    ['-A 0 separates non-adjacent matches only', 'grep -n -A 0 X t2'],
    ['-NUM is -C NUM', 'grep -2 -n h8 t1'],
    ['-A/-B win over -C in any order', 'grep -n -A0 -C1 x4 t2; grep -n -C1 -A0 x4 t2'],
    ['attached values and clusters', 'grep -nA1 -HZF -eX7 t2'],
    ['-m stops but prints trailing context, matches included', 'grep -n -m1 -A3 X t2; grep -n -m2 -A1 X t2'],
    ['-v with context', 'grep -n -v -A1 X t1'],
    ['-i', 'grep -H -Z -n -F -i -e x4 -e X7 -- t2'],
    ['--no-group-separator and --group-separator', 'grep --no-group-separator -A0 X t1; grep --group-separator=XX -A0 X t1'],
    ['-c and -l with -Z', 'grep -c -Z X t1 t2; grep -l -Z X t1 t2 no-such'],
    ['long options', 'grep --fixed-strings --line-number --with-filename --null --regexp=X --after-context=1 -- t2'],
    ['--label names stdin with -H', 'cat t2 | grep -H -Z -n -F --label=rotated.log.2.gz -e X7'],
    ['stdin without --label', 'cat t2 | grep -H X7; cat t2 | grep -H --label=L X7 - t1'],
    ['gzip -dc into grep --label, as the fetch does', 'gzip -dc -- old.log.2.gz 2>/dev/null | grep -H -Z -n -F -B 1 -A 1 --label=old.log.2.gz -e X'],
    ['missing files: message, status 2, other files still read', 'grep -H X nope t2; echo $?'],
    ['-s silences missing files but not the status', 'grep -s X nope; echo $?'],
    ['-q exits 0 on a match even with an error before', 'grep -q X nope t2; echo $?'],
    ['no match is status 1', 'grep -F zzz t1; echo $?'],
    ['-o', 'grep -o -n "X[a-z ]*" t2'],
    ['a pattern with a newline is two patterns', 'grep -n "b2\ne5" t1'],
    ['-x and -w', 'grep -n -x b2 t1; grep -c -w X t2; grep -c -w x t2; grep -n -F -x -e "X7" -- t2'],
  ])('%s', async (_, script) => {
    const { sim, real } = await runBoth(FILES, script);
    expect(sim).toEqual(real);
  });

  it.each([['grep -x'], ['grep -j X t1'], ['grep --foo X t1'], ['grep -A'], ['grep -A x X t1'], ['grep -m x X t1']])(
    'refuses %j like GNU grep',
    async (script) => {
      const { sim, real } = await runBoth(FILES, script);
      expect(sim).toEqual(real);
      expect(sim.code).toBe(2);
    },
  );
});
