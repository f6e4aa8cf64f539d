import { describe, expect, it } from 'vitest';
import type { AlertGroup } from '../../../src/alerts/book.js';
import { matchersText, readSilencePress, SILENCE_ACTION_PREFIX, silenceButtons, silenceMatchers } from '../../../src/alerts/silence-button.js';

const group = (labels: Record<string, string>, commonLabels: Record<string, string> = {}): AlertGroup => ({
  id: 'alert-0123456789ab',
  receiver: 'stackmedic',
  groupKey: 'k',
  labels,
  commonLabels,
  labelText: 'x',
});

describe('Silence buttons', () => {
  it('offer 1h, 4h and 24h, each carrying the incident, the group and its labels as matchers', () => {
    const block = silenceButtons(3, group({ alertname: 'RabbitmqDiskAlarm', cluster: 'prod' })) as unknown as {
      block_id: string;
      elements: { action_id: string; value: string }[];
    };
    expect(block.elements.map((e) => e.action_id)).toEqual([`${SILENCE_ACTION_PREFIX}1h`, `${SILENCE_ACTION_PREFIX}4h`, `${SILENCE_ACTION_PREFIX}24h`]);
    expect(block.block_id).toBe('stackmedic_silence_3_alert-0123456789ab');
    expect(readSilencePress(block.elements[1]?.value ?? '')).toEqual({
      incidentId: 3,
      groupId: 'alert-0123456789ab',
      matchers: [
        { name: 'alertname', value: 'RabbitmqDiskAlarm' },
        { name: 'cluster', value: 'prod' },
      ],
      duration: '4h',
    });
  });

  it("match the labels the group's alerts share when the route groups by nothing", () => {
    expect(silenceMatchers(group({}, { alertname: 'A', job: 'node' }))).toEqual([
      { name: 'alertname', value: 'A' },
      { name: 'job', value: 'node' },
    ]);
  });

  it('are not offered when there is nothing to match on (a silence of everything)', () => {
    expect(silenceButtons(1, group({}, {}))).toBeNull();
  });

  it.each([
    ['not JSON', 'rm -rf /'],
    ['no matchers', JSON.stringify({ i: 1, g: 'alert-0123456789ab', m: [], d: '1h' })],
    ['a duration not offered', JSON.stringify({ i: 1, g: 'alert-0123456789ab', m: [['a', 'b']], d: '999h' })],
    ['a label name that is not one', JSON.stringify({ i: 1, g: 'alert-0123456789ab', m: [['a b', 'c']], d: '1h' })],
    ['an unknown field', JSON.stringify({ i: 1, g: 'alert-0123456789ab', m: [['a', 'b']], d: '1h', regex: true })],
  ])('refuse a press value with %s', (_what, value) => {
    expect(readSilencePress(value)).toBeNull();
  });

  it('write matchers as Alertmanager does', () => {
    expect(
      matchersText([
        { name: 'alertname', value: 'A"B' },
        { name: 'job', value: 'node' },
      ]),
    ).toBe('alertname="A\\"B", job="node"');
  });
});
