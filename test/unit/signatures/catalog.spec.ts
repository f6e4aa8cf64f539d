import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { CatalogError } from '../../../src/signatures/catalog-error.js';
import { buildCatalog, loadCatalog, parseCatalogText } from '../../../src/signatures/catalog.js';
import { requiredLiterals } from '../../../src/signatures/literals.js';
import { fixturePath } from './support.js';

const SEED_FAILURES = [
  'root-disk-full',
  'cinder-image-too-large',
  'rabbit-disk-alarm',
  'rabbit-disk-alarm-cleared',
  'rabbit-memory-alarm',
  'rabbit-enospc-shutdown',
  'rabbit-stopped',
  'rabbit-inconsistent-cluster',
  'rabbit-partition',
  'amqp-unreachable',
  'amqp-reconnected',
  'nova-compute-libvirt-socket',
  'nova-compute-down',
  'pacemaker-resources-stopped',
  'neutron-agent-down',
  'neutron-agent-heartbeat-lost',
  'galera-non-primary',
  'ceph-mon-out-of-quorum',
  'ceph-mon-down',
];

function load(name: string): () => unknown {
  const file = fixturePath(`signatures/${name}`);
  return () => buildCatalog([{ file, text: readFileSync(file, 'utf8') }]);
}

function rejection(run: () => unknown): CatalogError {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error('expected a CatalogError');
}

describe('built-in catalog', () => {
  it('loads and covers every failure of the seed incident', async () => {
    const catalog = await loadCatalog();
    const ids = catalog.signatures.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(SEED_FAILURES));
    for (const s of catalog.signatures) {
      expect(s.remediation.length, s.id).toBeGreaterThan(10);
      if (s.severity === 'critical' || s.severity === 'major') expect(s.runbook, s.id).toMatch(/^\/[a-z]+ /);
    }
  });

  it('adds an operator directory after the built-ins', async () => {
    const catalog = await loadCatalog({ extraDir: fixturePath('signatures/operator') });
    expect(catalog.signatures.find((s) => s.id === 'keystone-fernet-invalid')?.leadsTo).toEqual(['amqp-unreachable']);
    expect(catalog.origin.get('keystone-fernet-invalid')).toMatch(/operator\/keystone\.yaml$/);
  });
});

describe('bad catalog files are refused with one message naming file, signature, field and expectation', () => {
  it.each([
    [
      'malformed.yaml',
      'schema',
      /malformed\.yaml: signature 'keystone-token-errors' \(#1\) severity: Invalid enum value\. Expected 'critical' \| 'major' \| 'minor' \| 'info', received 'severe'/,
    ],
    ['evil.yaml', 'glob', /evil\.yaml: signature 'sneaky' \(#1\) source\.logs\.paths\.0: an absolute path glob made of/],
    ['empty.yaml', 'empty', /empty\.yaml: \(file\): one signature, or `signatures:` with a list of signatures; the file is empty/],
    [
      'unknown-leadsTo.yaml',
      'reference',
      /unknown-leadsTo\.yaml: signature 'keystone-down' leadsTo\.0: the id of a known signature; 'everything-broken' is not defined/,
    ],
  ])('%s', (name, reason, message) => {
    const error = rejection(load(name));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.catalogCode).toBe('stackmedic_catalog_invalid');
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });

  const base = 'id: x-y\ntitle: T\nseverity: info\nsource:\n  logs: { roles: [controller], paths: [/var/log/x/*.log] }\nremediation: r\n';
  it.each([
    ['a glob with ..', base.replace('/var/log/x/*.log', '/var/log/../etc/shadow'), 'glob', /paths\.0: a path without "\.\." segments/],
    ['a glob with a space', base.replace('/var/log/x/*.log', "'/var/log/x y'"), 'glob', /paths\.0: an absolute path glob/],
    ['an invalid regex', `${base}patterns: ['(unclosed']\n`, 'regex', /patterns\.0: a valid JavaScript regular expression/],
    ['a catastrophic regex', `${base}patterns: ['(a+)+b and more']\n`, 'regex', /catastrophic backtracking/],
    ['a pattern without literal', `${base}patterns: ['\\d+\\s+\\w+']\n`, 'literal', /patterns\.0: a pattern containing a literal of at least 3 characters/],
    [
      'a runbook with an unknown placeholder',
      `${base}patterns: ['Failed (?<what>\\w+)']\nrunbook: '/x fix {nope}'\n`,
      'placeholder',
      /runbook: placeholders naming a captured field \(node, what\); \{nope\} is not one/,
    ],
    ['an unknown field', `${base}patterns: ['Failed here']\nseverty: major\n`, 'schema', /\(#1\) : only known fields; unknown: severty|unknown: severty/],
    ['a missing source', 'id: x-y\ntitle: T\nseverity: info\nremediation: r\n', 'schema', /source: either \{ logs:/],
    ['a bad id', base.replace('id: x-y', 'id: X_Y'), 'schema', /signature 'X_Y' \(#1\) id: a kebab-case id/],
    ['broken YAML', 'id: [unclosed\n', 'yaml', /YAML \(line \d+\): valid YAML/],
  ])('refuses %s', (_what, text, reason, message) => {
    const error = rejection(() => parseCatalogText(text, 'ops/custom.yaml'));
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(/^ops\/custom\.yaml: /);
    expect(error.message).toMatch(message);
  });

  it('refuses an id defined twice, naming the first file', () => {
    const text = 'id: dup\ntitle: T\nseverity: info\nsource:\n  probe: { id: p, fact: f }\nremediation: r\n';
    const error = rejection(() =>
      buildCatalog([
        { file: 'a.yaml', text },
        { file: 'b.yaml', text },
      ]),
    );
    expect(error.message).toBe("b.yaml: signature 'dup' (#1) id: a unique id; 'dup' is already defined in a.yaml");
  });
});

describe('required literals', () => {
  it.each([
    ['AMQP server on (?<host>[^:]+):(?<port>\\d+) is unreachable', ['AMQP server on ']],
    ['Disk free space insufficient\\. Free bytes:\\s?0', ['Disk free space insufficient. Free bytes:']],
    ["Failed to connect socket to '(?<s>[^']+)'", ["Failed to connect socket to '"]],
    ['Halting Erlang VM|Stopped RabbitMQ application', ['Halting Erlang VM', 'Stopped RabbitMQ application']],
    ['abcx?defgh', ['defgh']],
    ['abcd+efg', ['abcd']],
    ['\\x41BCDEFG', ['BCDEFG']],
    ['(?:optional group)?tail', ['tail']],
  ])('%s -> %j', (source, expected) => {
    expect(requiredLiterals(source)).toEqual(expected);
  });

  it('gives up when a branch has no literal', () => {
    expect(requiredLiterals('Halting Erlang VM|\\d+')).toBeNull();
    expect(requiredLiterals('[a-z]+ \\d+')).toBeNull();
  });
});

describe('a source shared by a catalog file', () => {
  const shared = [
    'source:',
    '  logs: { roles: [controller], paths: [/var/log/x/*.log] }',
    'signatures:',
    '  - { id: a-one, title: A, severity: minor, patterns: [Failed one], remediation: fix it }',
    '  - id: b-two',
    '    title: B',
    '    severity: minor',
    '    source: { logs: { roles: [compute], paths: [/var/log/y.log] } }',
    '    patterns: [Failed two]',
    '    remediation: fix it',
    '',
  ].join('\n');

  it('is the source of every signature that names none; one that names its own keeps it', () => {
    const [a, b] = parseCatalogText(shared, 'ops/shared.yaml');
    expect(a?.source).toEqual({ logs: { roles: ['controller'], paths: ['/var/log/x/*.log'], multiline: false } });
    expect(b?.source).toEqual({ logs: { roles: ['compute'], paths: ['/var/log/y.log'], multiline: false } });
  });

  it('is checked like any source, and named as the file-level field', () => {
    const error = rejection(() => parseCatalogText(shared.replace('/var/log/x/*.log', '/var/log/../x'), 'ops/shared.yaml'));
    expect(error.reason).toBe('glob');
    expect(error.message).toMatch(/^ops\/shared\.yaml: \(file\) source\.logs\.paths\.0: a path without "\.\." segments/);
  });

  it('refuses clearScope without clears, and a threshold on a recovery', () => {
    const base =
      'id: x-y\ntitle: T\nseverity: info\nsource:\n  logs: { roles: [controller], paths: [/var/log/x/*.log] }\npatterns: [Recovered here]\nremediation: r\n';
    expect(rejection(() => parseCatalogText(`${base}clearScope: service\n`, 'c.yaml')).message).toMatch(/clearScope: no clearScope without `clears`/);
    const recovery = `${base}clears: x-y\nthreshold: { count: 3, withinMinutes: 10 }\n`;
    expect(rejection(() => parseCatalogText(recovery, 'c.yaml')).message).toMatch(/threshold: no threshold on a recovery/);
    expect(rejection(() => parseCatalogText(`${base}threshold: { count: 1, withinMinutes: 10 }\n`, 'c.yaml')).message).toMatch(/threshold\.count: at least 2/);
  });
});
