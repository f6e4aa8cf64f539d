import { describe, expect, it } from 'vitest';
import { runBoth, type FileSet } from './real-shell.js';

/** Rotated-log layout like a controller's, with a name holding a space to tell "$f" from $f. */
const FILES: FileSet = {
  'cinder/cinder-volume.log': 'v1\n',
  'cinder/cinder-volume.log.1': 'v0\n',
  'cinder/cinder-volume.log.2.gz': 'old\n',
  'cinder/cinder-scheduler.log': 's1\n',
  'kolla/nova/nova-api.log': 'n1\n',
  'kolla/nova/nova-api.log.3.gz': 'n0\n',
  'odd/a b.log': 'spaced\n',
};

describe('mini shell control flow, compared with dash', () => {
  it.each([
    ['for over globs, in sorted order', 'for f in cinder/*.log kolla/*/*.log; do echo "$f"; done'],
    ['for over rotated globs', 'for f in cinder/*.log.*.gz kolla/*/*.log.*.gz; do echo "[$f]"; done'],
    ['a glob matching nothing stays literal', 'for f in nova/*.log.*.gz cinder/*.nope; do echo "[$f]"; done'],
    ['the variable keeps its last value', 'for f in x y; do :; done; echo "$f"'],
    ['newlines instead of ;', 'for f in a b\ndo\n  echo $f\ndone'],
    ['for with an empty list is status 0', 'false; for f in; do echo x; done; echo $?'],
    ['for status is the last body status', 'for f in a; do false; done; echo $?'],
    ['"$f" keeps a name with a space in one word', 'for f in odd/*.log; do [ -f "$f" ] && echo "file $f"; done'],
    [
      '[ -f ] on files, directories and missing paths',
      'for f in cinder cinder/cinder-volume.log nope; do if [ -f "$f" ]; then echo "f $f"; else echo "no $f"; fi; done',
    ],
    ['the fetch shape: [ -f ] guards the unexpanded glob', 'for f in cinder/*.log.*.gz nova/*.log.*.gz; do [ -f "$f" ] && echo "gz $f"; done; echo $?'],
    ['{ } piped into head -c', '{ echo one; echo two; echo three; } | head -c 9'],
    ['{ } piped into tail -c', '{ echo one; echo two; echo three; } | tail -c 9'],
    ['a pipeline is the status of its last command', '{ echo a; false; } | head -c 1; echo " $?"'],
    ['{ } status is its last command', '{ true; false; }; echo $?'],
    ['{ } runs in the shell itself', 'x=1; { x=2; }; echo $x'],
    ['( ) keeps its variables and exit', 'x=1; (x=2; exit 4); echo $? $x'],
    ['exit inside { } ends the script', '{ echo 1; exit 3; echo 2; }; echo no'],
    ['redirections on { } and for', '{ echo out; cat nope; } 2>/dev/null; for f in a; do cat nope; done 2>/dev/null; echo $?'],
    ['} and { as plain arguments', 'echo } {'],
    ['nested loops in a group', '{ for d in cinder kolla/nova; do for f in $d/*.log; do echo "$d:$f"; done; done; } | head -c 200'],
  ])('%s', async (_, script) => {
    const { sim, real } = await runBoth(FILES, script);
    expect(sim).toEqual(real);
  });

  it('splits an unquoted $f with a space like dash does', async () => {
    const { sim, real } = await runBoth(FILES, 'for f in odd/*.log; do [ -f $f ]; echo $?; done');
    expect(sim).toEqual(real);
    expect(sim.stderr).toBe('sh: 1: [: odd/a: unexpected operator\n');
  });

  it.each([['{ echo a }'], ['for f in a; do echo'], ['for 1 in a; do :; done'], ['done'], ['{ }']])('rejects %j with exit 2', async (script) => {
    const { sim, real } = await runBoth({}, script);
    expect(real.code).toBe(2);
    expect(sim).toMatchObject({ stdout: '', code: 2 });
    expect(sim.stderr).toMatch(/^sh: 1: Syntax error: /);
  });
});
