import { describe, expect, it } from 'vitest';
import { alertmanagerUrlOf, parseAlertmanagerUrls } from '../../../src/alerts/alertmanager-urls.js';
import { readEnvOptions } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/errors.js';

describe('STACKMEDIC_ALERTMANAGER_URL with several clusters', () => {
  it('takes one URL for every cluster, as before', () => {
    const am = readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: 'http://alertmanager:9093/' }).alertmanager;
    expect(am?.url).toBe('http://alertmanager:9093/');
    expect(am?.urls).toBeUndefined();
    expect(alertmanagerUrlOf(am, 'east')).toBe('http://alertmanager:9093/');
  });

  it("takes each cluster's own Alertmanager, the bare URL serving the clusters not named", () => {
    const am = readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: 'east=http://am-east:9093, west=https://am.west.example/am/,http://am-all:9093' }).alertmanager;
    expect(am?.urls).toEqual({ east: 'http://am-east:9093', west: 'https://am.west.example/am/' });
    expect(['east', 'west', 'edge'].map((c) => alertmanagerUrlOf(am, c))).toEqual(['http://am-east:9093', 'https://am.west.example/am/', 'http://am-all:9093']);
    expect(alertmanagerUrlOf(readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: 'east=http://am-east:9093' }).alertmanager, 'west')).toBeUndefined();
    // A query string's "=" is part of a URL, not a cluster name.
    expect(parseAlertmanagerUrls('http://am:9093/?x=y')).toEqual({ url: 'http://am:9093/?x=y', byCluster: {} });
  });

  it('refuses what is not a URL, a cluster named twice, and two URLs without a cluster', () => {
    for (const value of ['alertmanager:9093', 'east=am-east:9093', 'east=http://a:1,east=http://b:1', 'http://a:1,http://b:1']) {
      expect(() => readEnvOptions({ STACKMEDIC_ALERTMANAGER_URL: value }), value).toThrow(ConfigError);
    }
    expect(parseAlertmanagerUrls('east=http://a:1,east=http://b:1')).toBe('one URL per cluster (east is named twice)');
  });
});
