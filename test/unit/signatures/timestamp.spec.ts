import { describe, expect, it, vi } from 'vitest';
import { logTimestampIso } from '../../../src/signatures/timestamp.js';

describe('log timestamps', () => {
  it.each([
    ['old RabbitMQ report', '=INFO REPORT==== 14-Feb-2017::05:49:45 ===', '2017-02-14T05:49:45.000Z'],
    ['old RabbitMQ report, one-digit day', '=ERROR REPORT==== 7-Jun-2015::03:42:28 ===', '2015-06-07T03:42:28.000Z'],
    ['RabbitMQ 3.7 lager', '2020-06-29 09:59:36.559 [info] <0.221.0> Disk free limit set to 50MB', '2020-06-29T09:59:36.559Z'],
    ['RabbitMQ 3.9 with offset', '2021-08-02 13:45:54.292688+00:00 [warn] <0.291.0> disk resource limit alarm set', '2021-08-02T13:45:54.292Z'],
    [
      'journald test-driver prefix',
      'machine # [   32.518810] rabbitmq-server[799]: 2021-08-02 13:45:54.292688+00:00 [warn] <0.291.0> x',
      '2021-08-02T13:45:54.292Z',
    ],
    ['oslo.log', '2017-02-14 10:35:53.231 29058 ERROR cinder.scheduler.filter_scheduler', '2017-02-14T10:35:53.231Z'],
    ["the seed's tab format", '2017-02-15 06:25:44\tERR\toslo.messaging._drivers.impl_rabbit', '2017-02-15T06:25:44.000Z'],
    ['ceph ISO with +0200', '2020-05-30T00:51:00.026583+0200 mon.ceph-mon0 (mon.0) 27092 : cluster [WRN]', '2020-05-29T22:51:00.026Z'],
    ['ISO with Z', '2022-03-23T06:37:57.349617Z mon.cn2 [WRN]', '2022-03-23T06:37:57.349Z'],
    ['loghub file-name prefix', 'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova', '2017-05-16T00:00:00.008Z'],
    ['Galera short', '160609 10:59:52 [Note] WSREP: Received NON-PRIMARY.', '2016-06-09T10:59:52.000Z'],
  ])('%s', (_format, line, expected) => {
    expect(logTimestampIso(line)).toBe(expected);
  });

  it('reads syslog times without a reference year in this year, unless that puts them in the future', () => {
    vi.useFakeTimers({ now: Date.UTC(2027, 0, 2, 12, 0, 0), toFake: ['Date'] });
    try {
      expect(logTimestampIso('Jan  2 11:00:00 node-10 x')).toBe('2027-01-02T11:00:00.000Z');
      // Written three days ago, in the old year.
      expect(logTimestampIso('Dec 30 23:00:00 node-10 x')).toBe('2026-12-30T23:00:00.000Z');
      // A clock a few hours ahead is still this year.
      expect(logTimestampIso('Jan  2 20:00:00 node-10 x')).toBe('2027-01-02T20:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads syslog times in the reference year', () => {
    expect(logTimestampIso('Feb 14 05:49:45 node-10 rabbitmq-server[1]: x', { referenceYear: 2017 })).toBe('2017-02-14T05:49:45.000Z');
    expect(logTimestampIso('Feb  4 05:49:45 node-10 x', { referenceYear: 2017 })).toBe('2017-02-04T05:49:45.000Z');
  });

  it('reads wall-clock times in the configured zone, and leaves explicit offsets alone', () => {
    const shanghai = { zone: 'Asia/Shanghai' };
    expect(logTimestampIso('2017-02-14 10:35:53.231 29058 ERROR x', shanghai)).toBe('2017-02-14T02:35:53.231Z');
    expect(logTimestampIso('=INFO REPORT==== 14-Feb-2017::05:49:45 ===', shanghai)).toBe('2017-02-13T21:49:45.000Z');
    expect(logTimestampIso('2017-02-14 10:35:53 x', { zone: '+08:00' })).toBe('2017-02-14T02:35:53.000Z');
    expect(logTimestampIso('2021-08-02 13:45:54.292688+00:00 [warn] x', shanghai)).toBe('2021-08-02T13:45:54.292Z');
  });

  it('follows daylight saving time', () => {
    const paris = { zone: 'Europe/Paris' };
    expect(logTimestampIso('2017-01-15 12:00:00 x', paris)).toBe('2017-01-15T11:00:00.000Z');
    expect(logTimestampIso('2017-07-15 12:00:00 x', paris)).toBe('2017-07-15T10:00:00.000Z');
  });

  it('returns null without a known timestamp', () => {
    expect(logTimestampIso('23007 ERROR oslo.messaging._drivers.impl_rabbit [-] AMQP server on 192.168.236.10:5672')).toBeNull();
    expect(logTimestampIso('** Generic server <0.845.0> terminating')).toBeNull();
    expect(logTimestampIso('2017-13-45 99:00:00 not a date')).toBeNull();
  });
});
