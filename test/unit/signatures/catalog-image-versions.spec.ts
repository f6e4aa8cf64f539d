import { describe, expect, it } from 'vitest';
import { versionsText, versionsView } from '../../../src/health/versions.js';
import { versionNotes, versionNoteText } from '../../../src/incidents/version-notes.js';
import { evidenceOf } from '../../../src/incidents/index.js';
import { imageOfPackage, imagesOf, packageVersions, parseContainerTable, parsePackageVersions } from '../../../src/probes/package-versions.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { isLogSignature } from '../../../src/signatures/schema.js';
import { annotateVersions } from '../../../src/signatures/versions.js';
import { fixtureText, snapshotOf } from '../health/areas/fixture-snapshot.js';
import { builtinCatalog, logFixture } from './support.js';

/**
 * On kolla-ansible and TripleO nodes the OpenStack services run in container images, so the host's
 * packages do not say their versions: the package-versions probe also reads the engines' tables of
 * running containers. Real tables from public sources (test/fixtures/probes/packages/SOURCE.md).
 */
const KOLLA = fixtureText('probes/packages/docker_ps_a_kolla_master_ubuntu_jammy_UNATTRIBUTED.txt');
const OSP_COMPUTE = fixtureText('probes/packages/podman_ps_osp16.1_compute_UNATTRIBUTED.txt');
const OSP_OVN = fixtureText('probes/packages/podman_ps_f_name_ovn_osp16.1_controller_UNATTRIBUTED.txt');
const TRIPLEO_LAB = fixtureText('probes/packages/docker_ps_tripleo_stein_cephstorage_tripleo_lab_issue42.txt');
const DPKG = fixtureText('probes/packages/dpkg_query_W_debian12_excerpt.txt');
const RPM = fixtureText('probes/packages/rpm_qa_queryformat_centos7_cnquery.txt');

/** What the probe prints on a node: its container tables, then the package list. */
const printed = (tables: readonly (readonly ['docker' | 'podman', string])[], packages: string): string =>
  `${tables.map(([engine, table]) => `@@containers ${engine}\n${table}`).join('')}@@packages\n${packages}`;

describe("the engines' container tables", () => {
  it("reads every container of a kolla node's docker ps -a, with the image's name and tag", () => {
    const images = parseContainerTable(KOLLA, 'docker');
    expect(images).toHaveLength(29);
    expect(images.find((i) => i.container === 'nova_compute')).toEqual({
      engine: 'docker',
      container: 'nova_compute',
      image: 'quay.io/openstack.kolla/nova-compute:master-ubuntu-jammy',
      name: 'nova-compute',
      tag: 'master-ubuntu-jammy',
    });
    // The command column ("dumb-init -- kolla_…") and an empty ports column do not shift the names.
    expect(images.find((i) => i.name === 'mariadb-server')?.container).toBe('mariadb');
    expect(images.at(-1)?.container).toBe('fluentd');
  });

  it("reads an RHOSP 16.1 compute's podman ps: a registry with a port is no tag", () => {
    const images = parseContainerTable(OSP_COMPUTE, 'podman');
    expect(images.map((i) => i.container)).toEqual([
      'nova_compute',
      'ovn_metadata_agent',
      'ovn_controller',
      'nova_migration_target',
      'logrotate_crond',
      'iscsid',
      'nova_libvirt',
      'nova_virtlogd',
    ]);
    expect(images[0]).toMatchObject({ name: 'openstack-nova-compute', tag: '16.1-43' });
    expect(parseContainerTable(OSP_OVN, 'podman').map((i) => [i.container, i.name, i.tag])).toEqual([
      ['ovn_controller', 'openstack-ovn-controller', '16.1-46'],
      ['ovn-dbs-bundle-podman-0', 'openstack-ovn-northd', '16.1-45'],
    ]);
  });

  it("reads docker's older, wider table (TripleO Stein) and an empty podman table as no container", () => {
    expect(parseContainerTable(TRIPLEO_LAB, 'docker').map((i) => [i.container, i.name, i.tag])).toEqual([
      ['logrotate_crond', 'centos-binary-cron', 'current-tripleo'],
      ['ceph-osd-1', 'daemon', 'v4.0.0-stable-4.0-nautilus-centos-7-x86_64'],
    ]);
    // The same issue's `podman ps` on that node: the header alone.
    expect(parseContainerTable('CONTAINER ID  IMAGE  COMMAND  CREATED  STATUS  PORTS  NAMES\n', 'podman')).toEqual([]);
  });
});

describe('the package-versions probe with containers', () => {
  it('lists the containers before the packages, so that the package manager still gives the exit status', () => {
    const script = packageVersions.command.script.toString();
    expect(script.indexOf('docker ps')).toBeLessThan(script.indexOf('dpkg-query -W'));
    expect(script).toContain("echo '@@containers podman'; podman ps");
    expect(script).toMatch(/exit 127; fi"?$/);
  });

  it('reads the host packages as before and the images beside them', () => {
    const r = parsePackageVersions({ stdout: printed([['docker', KOLLA]], DPKG), stderr: '', exitCode: 0 });
    if (r.kind !== 'ok') throw new Error('not read');
    expect(r.value.get('rabbitmq-server')).toBe('3.10.8-1.1+deb12u1');
    expect(r.value.size).toBe(5);
    expect(imagesOf(r.value)).toHaveLength(29);
    expect(imageOfPackage(r.value, 'keystone')?.image).toBe('quay.io/openstack.kolla/keystone:master-ubuntu-jammy');
    // Output without the markers (an older stackmedic's, a test's) is all package list.
    const plain = parsePackageVersions({ stdout: DPKG, stderr: '', exitCode: 0 });
    expect(plain.kind === 'ok' ? imagesOf(plain.value) : null).toEqual([]);
  });
});

describe('versions of containerised services', () => {
  const nodes = [
    { name: 'ctl-0', roles: ['controller'] },
    { name: 'cmp-0', roles: ['compute'] },
  ];

  it("shows the services' images per role in /cluster status, name:tag as the reference reads", () => {
    const snapshot = snapshotOf(
      [
        [
          packageVersions,
          [
            { node: 'ctl-0', printed: printed([['podman', OSP_OVN]], RPM) },
            { node: 'cmp-0', printed: printed([['podman', OSP_COMPUTE]], RPM) },
          ],
        ],
      ],
      nodes,
    );
    const text = versionsText(versionsView(snapshot, []));
    expect(text).toContain('\n  controller images (1): openstack-ovn-controller:16.1-46, openstack-ovn-northd:16.1-45\n');
    // nova_compute and nova_migration_target run one image: it is listed once. cron and iscsid are not services shown.
    expect(text).toContain('\n  compute images (1): openstack-nova-compute:16.1-43, openstack-ovn-controller:16.1-46, openstack-nova-libvirt:16.1-46\n');
    expect(text).not.toContain('cron');
  });

  it('a finding whose package is in an image, not on the host, names the image and stays unknown', async () => {
    const catalog = await builtinCatalog();
    const matcher = new LogMatcher(catalog.signatures.filter(isLogSignature));
    const findings = matcher.scanText(logFixture('real/keystone/hotsos_lp1896125_ldap_pool.log'), {
      node: 'ctl-0',
      file: '/var/log/kolla/keystone/keystone.log',
    });
    const r = parsePackageVersions({ stdout: printed([['docker', KOLLA]], DPKG), stderr: '', exitCode: 0 });
    const host = r.kind === 'ok' ? r.value : new Map<string, string>();
    const annotated = annotateVersions(findings, catalog.signatures, () => host);
    expect(annotated[0]?.fields).toMatchObject({
      package: 'keystone',
      versionVerdict: 'unknown',
      image: 'quay.io/openstack.kolla/keystone:master-ubuntu-jammy',
    });
    const [note] = versionNotes(evidenceOf(annotated));
    expect(note && versionNoteText(note)).toBe(
      'version unknown (keystone runs in the image quay.io/openstack.kolla/keystone:master-ubuntu-jammy; the package inside it is not read)',
    );
  });
});
