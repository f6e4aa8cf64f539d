import { describe, expect, it } from 'vitest';
import { parseCatalogText } from '../../../src/signatures/catalog.js';
import type { LogFinding } from '../../../src/signatures/matcher.js';
import { applyThresholds } from '../../../src/signatures/threshold.js';

const signatures = parseCatalogText(
  [
    'signatures:',
    '  - id: mon-election',
    '    title: Monitor election',
    '    severity: minor',
    '    source: { logs: { roles: [controller], paths: [/var/log/ceph/*.log] } }',
    "    patterns: ['calling monitor election']",
    '    threshold: { count: 3, withinMinutes: 10 }',
    '    remediation: check the monitors',
    '  - id: other',
    '    title: Other',
    '    severity: minor',
    '    source: { logs: { roles: [controller], paths: [/var/log/ceph/*.log] } }',
    "    patterns: ['something else']",
    '    remediation: fix',
  ].join('\n'),
  'test.yaml',
);

function finding(signature: string, node: string, minute: number | null): LogFinding {
  const timeMs = minute === null ? null : Date.UTC(2024, 0, 1, 10, minute);
  return {
    signature,
    node,
    file: '/var/log/ceph/ceph.log',
    line: 1,
    time: timeMs === null ? null : new Date(timeMs).toISOString(),
    timeMs,
    fields: {},
    text: '',
  };
}

describe('counting thresholds', () => {
  it('keeps a burst of at least count within the window, drops isolated events and other nodes’ singles', () => {
    const burst = [0, 4, 9].map((m) => finding('mon-election', 'node-1', m));
    const lonely = [finding('mon-election', 'node-1', 40), finding('mon-election', 'node-2', 5)];
    const kept = applyThresholds([...burst, ...lonely, finding('other', 'node-1', 1)], signatures);
    expect(kept).toEqual([...burst, finding('other', 'node-1', 1)]);
  });

  it('does not count events spread wider than the window', () => {
    const spread = [0, 11, 22].map((m) => finding('mon-election', 'node-1', m));
    expect(applyThresholds(spread, signatures)).toEqual([]);
  });

  it('counts untimed findings by number only', () => {
    const untimed = [finding('mon-election', 'node-1', null), finding('mon-election', 'node-1', null)];
    expect(applyThresholds(untimed, signatures)).toEqual([]);
    expect(applyThresholds([...untimed, finding('mon-election', 'node-1', null)], signatures)).toHaveLength(3);
  });
});
