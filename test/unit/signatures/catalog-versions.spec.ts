import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageVersions, parseDpkgList, parseDpkgStatus, parsePackageVersions } from '../../../src/probes/package-versions.js';
import { diagnoseDirectory } from '../../../src/signatures/diagnose.js';
import { compareVersions, readVersion, type VersionSpec } from '../../../src/signatures/versions.js';
import { builtinCatalog, fixturePath } from './support.js';

const packages = (name: string): string => readFileSync(fixturePath(`probes/packages/${name}`), 'utf8');

describe('package versions in dpkg order', () => {
  it('orders 625 pairs of versions exactly as dpkg --compare-versions does', () => {
    const pairs = packages('dpkg_compare_versions_pairs.txt').trim().split('\n');
    expect(pairs).toHaveLength(625);
    const wrong = pairs.map((l) => l.split(' ') as [string, string, string]).filter(([a, b, r]) => Math.sign(compareVersions(a, b)) !== Number(r));
    expect(wrong).toEqual([]);
  });
});

describe('which versions carry a bug', () => {
  const spec = async (id: string): Promise<VersionSpec> => (await builtinCatalog()).signatures.find((s) => s.id === id)?.versions as VersionSpec;

  // hotsos's lp1896125 tests: the dpkg -l line of each, and whether hotsos raises the bug.
  it.each([
    ['2:16.30.99-0ubuntu0.20.04.1', 'affected'],
    ['2:17.0.0-0ubuntu0.20.04.1', 'affected'],
    ['2:17.0.1-0ubuntu0.20.04.1', 'fixed'],
    ['2:17.0.2-0ubuntu0.20.04.1', 'fixed'],
    ['2:18.0.0-0ubuntu0.20.04.1', 'affected'],
    ['2:18.0.1-0ubuntu0.20.04.1', 'fixed'],
  ])('reads keystone %s as %s for the LDAP pool leak, as hotsos does', async (version, verdict) => {
    const line = `      ii  keystone ${version} amd64`;
    const installed = parseDpkgList(line.trim()).get('keystone');
    expect(installed).toBe(version);
    expect(readVersion(await spec('keystone-ldap-pool-exhausted'), installed).verdict).toBe(verdict);
  });

  it('takes the highest fix as covering later series, and an unknown version as unknown', async () => {
    const clog = await spec('ceph-cluster-log-empty');
    expect(readVersion(clog, '18.2.4-0ubuntu0.24.04.2')).toEqual({
      verdict: 'fixed',
      package: 'ceph-mon',
      installed: '18.2.4-0ubuntu0.24.04.2',
      fixedIn: '17.2.5',
    });
    expect(readVersion(clog, '17.2.0-0ubuntu0.22.04.2').verdict).toBe('affected');
    expect(readVersion(clog, undefined)).toEqual({ verdict: 'unknown', package: 'ceph-mon' });
    expect(readVersion(await spec('keystone-ldap-pool-exhausted'), '2:25.0.0-0ubuntu1').verdict).toBe('fixed');
  });
});

describe('package lists of a node', () => {
  it("reads the probe's dpkg-query output, leaving out removed packages", () => {
    const versions = parsePackageVersions({ stdout: packages('dpkg_query_W_debian12_excerpt.txt'), stderr: '', exitCode: 0 });
    expect(versions.kind).toBe('ok');
    const map = versions.kind === 'ok' ? versions.value : new Map();
    expect(map.get('rabbitmq-server')).toBe('3.10.8-1.1+deb12u1');
    expect(map.get('openssh-server')).toBe('1:9.2p1-2+deb12u10');
    // `rc`: removed, configuration kept; not installed.
    expect(map.has('ceph-mon')).toBe(false);
    expect(map.size).toBe(5);
  });

  it("reads a real rpm -qa of a CentOS 7 host in the probe's query format (cnquery's recorded output)", () => {
    const r = parsePackageVersions({ stdout: packages('rpm_qa_queryformat_centos7_cnquery.txt'), stderr: '', exitCode: 0 });
    const map = r.kind === 'ok' ? r.value : new Map<string, string>();
    // 144 lines, 144 packages: none lost to a summary with spaces, parentheses or slashes.
    expect(map.size).toBe(144);
    expect(map.get('bash')).toBe('4.2.46-30.el7');
    // Epochs other than 0 are kept, as dpkg's order needs them.
    expect(map.get('bind-license')).toBe('32:9.9.4-61.el7');
    expect(map.get('device-mapper')).toBe('7:1.02.146-4.el7');
    expect(map.get('chkconfig')).toBe('1.7.4-1.el7');
    expect(map.get('ca-certificates')).toBe('2018.2.22-70.0.el7_5');
    expect(map.get('libstdc++')).toBe('4.8.5-28.el7_5.1');
  });

  it('says unknown, with the raw text, when neither dpkg-query nor rpm answered', () => {
    const r = parsePackageVersions({ stdout: '', stderr: 'no dpkg-query or rpm\n', exitCode: 127 });
    expect(r).toMatchObject({ kind: 'unknown', reason: 'no dpkg-query or rpm answered', raw: 'no dpkg-query or rpm\n' });
  });

  it('lists every package with a fixed command that names nothing from outside the code', () => {
    const script = packageVersions.command.script.toString();
    expect(script).toContain("dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n'");
    expect(script).toContain("rpm -qa --queryformat '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SUMMARY}\\n'");
  });

  it("reads dpkg's database as copied with the logs", () => {
    const map = parseDpkgStatus(packages('dpkg_status_debian12_excerpt.txt'));
    expect([...map]).toEqual([
      ['openssh-server', '1:9.2p1-2+deb12u10'],
      ['rabbitmq-server', '3.10.8-1.1+deb12u1'],
    ]);
  });
});

describe('findings say whether the node runs a fixed version', () => {
  it("marks the empty cluster log of a ceph-mon 15.2.14 node (hotsos's dpkg -l) as an affected version", async () => {
    const diagnosis = await diagnoseDirectory(fixturePath('diagnose/empty-clog'), await builtinCatalog());
    const empty = diagnosis.findings.find((f) => f.signature === 'ceph-cluster-log-empty');
    expect(empty?.fields).toMatchObject({ package: 'ceph-mon', installedVersion: '15.2.14-0ubuntu0.20.04.2', versionVerdict: 'affected', fixedIn: '17.2.5' });
  });
});
