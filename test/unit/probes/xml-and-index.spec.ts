import { describe, expect, it } from 'vitest';
import { allProbes, probeById } from '../../../src/probes/index.js';
import { parseErlangTerm } from '../../../src/probes/erlang-terms.js';
import { parseXml } from '../../../src/probes/xml.js';

describe('parseXml', () => {
  it('reads elements, attributes, entities, comments, CDATA and a prolog', () => {
    const r = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x="1 &lt; 2" y='&#65;&#x42;'><b/>t&amp;u<![CDATA[<raw>]]><c k="v"></c></a>\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.root.name).toBe('a');
    expect(r.root.attributes).toEqual({ x: '1 < 2', y: 'AB' });
    expect(r.root.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(r.root.text).toBe('t&u<raw>');
  });

  it.each([
    ['mismatched tags', '<a><b></a>'],
    ['unclosed element', '<a><b/>'],
    ['two roots', '<a/><b/>'],
    ['unquoted attribute', '<a x=1/>'],
    ['no element', 'hello'],
    ['empty', ''],
  ])('refuses %s without throwing', (_name, text) => {
    expect(parseXml(text).ok).toBe(false);
  });
});

describe('parseErlangTerm', () => {
  it('reads lists, tuples, quoted atoms, binaries and strings', () => {
    const r = parseErlangTerm(`[{a,'rabbit@x'},{b,<<"bin">>},{c,"str",-1.5}].`);
    expect(r).toEqual({
      ok: true,
      term: {
        type: 'list',
        items: [
          {
            type: 'tuple',
            items: [
              { type: 'atom', value: 'a' },
              { type: 'atom', value: 'rabbit@x' },
            ],
          },
          {
            type: 'tuple',
            items: [
              { type: 'atom', value: 'b' },
              { type: 'binary', value: 'bin' },
            ],
          },
          {
            type: 'tuple',
            items: [
              { type: 'atom', value: 'c' },
              { type: 'string', value: 'str' },
              { type: 'number', value: -1.5 },
            ],
          },
        ],
      },
    });
  });

  it.each(['[{a,b}', '{a b}', '[a]]', ''])('refuses %j without throwing', (text) => {
    expect(parseErlangTerm(text).ok).toBe(false);
  });
});

describe('allProbes', () => {
  it('has the thirteen agreed probes with unique ids', () => {
    expect(allProbes.map((p) => p.id)).toEqual([
      'pacemaker-status',
      'rabbitmq-status',
      'galera-status',
      'ceph-status',
      'nova-services',
      'neutron-agents',
      'ovn-db-status',
      'ovn-controller-status',
      'disk-usage',
      'space-hogs',
      'libvirt-status',
      'uptime',
      'init-system',
    ]);
    expect(probeById('disk-usage')?.title).toBe('Disk usage');
  });

  it('gives every probe its own timeout, longer than the timeout inside its script', () => {
    for (const probe of allProbes) expect(probe.timeoutMs).toBeGreaterThan(0);
    expect(probeById('ceph-status')?.timeoutMs).toBeGreaterThan(20_000);
    expect(probeById('disk-usage')?.timeoutMs).toBeGreaterThan(10_000);
  });

  it('never throws on any input, and keeps the raw text when it cannot read it', () => {
    const inputs = ['', '\0\0\0', '<', '{', '[', '<<<>>>', 'x'.repeat(70_000), '\u001b[1m\u001b[0m'];
    for (const probe of allProbes) {
      for (const stdout of inputs) {
        for (const exitCode of [0, 1, 69, 124, null]) {
          const r = probe.parse({ stdout, stderr: stdout, exitCode });
          if (r.kind === 'unknown') expect(r.raw.length).toBeLessThanOrEqual(65536);
        }
      }
    }
  });
});
