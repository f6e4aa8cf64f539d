import { describe, expect, it } from 'vitest';
import { simulate } from './helpers.js';
import { runBoth, type FileSet } from './real-shell.js';

const FILES: FileSet = {
  'cinder-volume.log.2.gz': '2017-02-12 08:00:00.000 6225 INFO cinder.volume.manager old line\nsecond\n',
  'cinder-volume.log.3.gz': 'third rotation\n',
  plain: 'not compressed\n',
  'dir/keep': 'x\n',
};

describe('gzip, compared with GNU gzip on the same files', () => {
  it.each([
    ['gzip -dc of a rotated log is its text', 'gzip -dc -- cinder-volume.log.2.gz'],
    ['several files in order', 'gzip -dc cinder-volume.log.3.gz cinder-volume.log.2.gz'],
    ['gunzip -c and --stdout', 'gunzip -c cinder-volume.log.3.gz; gzip --decompress --stdout cinder-volume.log.3.gz'],
    ['a missing file', 'gzip -dc -- nope.gz; echo $?'],
    ['a file that is not gzip', 'gzip -dc -- plain; echo $?'],
    ['a directory is a warning, status 2', 'gzip -dc -- dir; echo $?'],
    ['errors do not stop later files', 'gzip -dc nope.gz cinder-volume.log.3.gz; echo $?'],
    ['-f passes plain text through', 'gzip -dcf plain cinder-volume.log.3.gz'],
    ['empty stdin', 'gzip -dc </dev/null; echo $?'],
    ['an unknown option', 'gzip -j x; echo $?'],
    [
      'the fetch loop: [ -f ] then gzip -dc into grep --label',
      'for f in *.log.*.gz nova/*.log.*.gz; do [ -f "$f" ] && gzip -dc -- "$f" 2>/dev/null | grep -H -Z -n -F --label="$f" -e second -e third; done',
    ],
    [
      'in place: -d replaces x.gz by x, -k keeps it',
      'gzip -d cinder-volume.log.3.gz; cat cinder-volume.log.3; [ -f cinder-volume.log.3.gz ] || echo gone; gzip -dk cinder-volume.log.2.gz; [ -f cinder-volume.log.2.gz ] && cat cinder-volume.log.2',
    ],
    ['in place: compressing and back', 'gzip plain; [ -f plain ] || echo gone; gzip -dc plain.gz; gzip plain.gz; echo $?'],
  ])('%s', async (_, script) => {
    const { sim, real } = await runBoth(FILES, script);
    expect(sim).toEqual(real);
  });
});

describe('gzip on the seed cluster', () => {
  const { sh } = simulate('seed-incident');

  it('decompresses the rotated cinder log that the builder marks gzipped, and grep reads it as binary', async () => {
    const r = await sh('node-10', 'gzip -dc -- /var/log/cinder/cinder-volume.log.2.gz | grep -c Connected');
    expect(r).toEqual({ stdout: '1\n', stderr: '', code: 0 });
    expect((await sh('node-10', 'grep -c Connected /var/log/cinder/cinder-volume.log.2.gz')).code).toBe(1);
    expect(await sh('node-10', 'gzip -dc /var/log/cinder/cinder-volume.log.1')).toEqual({
      stdout: '',
      stderr: '\ngzip: /var/log/cinder/cinder-volume.log.1: not in gzip format\n',
      code: 1,
    });
  });
});
