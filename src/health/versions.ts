import { imageService, imagesOf, packageVersions, type PackageVersions } from '../probes/package-versions.js';
import type { Signature } from '../signatures/schema.js';
import { utcHourMinute } from '../render/clock-time.js';
import { unreadableReason } from './coverage.js';
import type { ClusterSnapshot } from './snapshot.js';

/**
 * Installed versions as `/cluster status` shows them: information, never a verdict. It is a detail
 * line under the areas, not a health area, because an area's ✔ says something was judged good;
 * versions are not judged, and a node they could not be read on is named as not read, never
 * counted as fine. The packages shown are the services stackmedic looks after (Debian/Ubuntu and
 * RHEL names) and every package a catalog signature declares in `versions`.
 */
const SHOWN: readonly string[] = [
  'keystone',
  'openstack-keystone',
  'nova-api',
  'nova-compute',
  'openstack-nova-api',
  'openstack-nova-compute',
  'neutron-server',
  'neutron-l3-agent',
  'neutron-openvswitch-agent',
  'openstack-neutron',
  'cinder-volume',
  'openstack-cinder',
  'rabbitmq-server',
  'mariadb-server',
  'galera-4',
  'pacemaker',
  'corosync',
  'libvirt-daemon-system',
  'libvirt-daemon',
  'qemu-system-x86',
  'qemu-kvm',
  'openvswitch-switch',
  'ovn-central',
  'ovn-host',
  'ceph-mon',
  'ceph-osd',
  'docker-ce',
  'docker.io',
  'podman',
];

/** One package on the nodes of a role: each distinct version and the nodes that run it. */
export interface PackageOnRole {
  readonly package: string;
  readonly versions: readonly { readonly version: string; readonly nodes: readonly string[] }[];
}

/** The shown packages of one role's nodes that were read. */
export interface RoleVersions {
  readonly role: string;
  /** Nodes of the role whose package list was read. */
  readonly read: readonly string[];
  readonly packages: readonly PackageOnRole[];
  /**
   * The images of the shown services' running containers (kolla-ansible, TripleO), by image name,
   * each tag with its nodes: there the host's packages do not say the services' versions.
   */
  readonly images: readonly PackageOnRole[];
}

/** What `/cluster status` says about installed versions. */
export interface VersionsView {
  readonly roles: readonly RoleVersions[];
  /** Nodes whose package list could not be read, and why (their versions are unknown). */
  readonly unread: readonly { readonly node: string; readonly why: string }[];
  /**
   * When the lists shown were read, if any was read before this status (reused from the
   * cluster's probe cache): the oldest and newest read times, ISO. Absent when all were read now.
   */
  readonly readBetween?: { readonly oldest: string; readonly newest: string };
}

/** Each node's installed packages, as the snapshot read them (`undefined`: not read, so unknown). */
export function versionsOf(snapshot: ClusterSnapshot): (node: string) => PackageVersions | undefined {
  const byNode = new Map(snapshot.values(packageVersions).map((v) => [v.node, v.value]));
  return (node) => byNode.get(node);
}

/** Per role, the versions of the shown packages, and the nodes nothing could be read on. */
export function versionsView(snapshot: ClusterSnapshot, signatures: readonly Signature[]): VersionsView {
  const declared = signatures.flatMap((s) => (s.versions ? [s.versions.package] : []));
  const shown = [...new Set([...SHOWN, ...declared])];
  const read = new Map(snapshot.values(packageVersions).map((v) => [v.node, v.value]));
  const roles = packageVersions.roles.flatMap((role): RoleVersions[] => {
    const nodes = snapshot.nodes.filter((n) => n.roles.includes(role) && read.has(n.name)).map((n) => n.name);
    if (nodes.length === 0) return [];
    const packages = shown.flatMap((name): PackageOnRole[] => {
      const byVersion = new Map<string, string[]>();
      for (const node of nodes) {
        const version = read.get(node)?.get(name);
        if (version !== undefined) byVersion.set(version, [...(byVersion.get(version) ?? []), node]);
      }
      return byVersion.size ? [{ package: name, versions: [...byVersion].map(([version, on]) => ({ version, nodes: on })) }] : [];
    });
    return [{ role, read: nodes, packages, images: roleImages(nodes, read) }];
  });
  const unread = snapshot.of(packageVersions).flatMap((o) => {
    if (o.kind === 'ok') return [];
    const why = o.kind === 'unknown' ? unreadableReason(o) : o.failure.kind === 'error' ? o.failure.message : 'unreachable';
    return [{ node: o.node, why }];
  });
  const readTimes = snapshot.of(packageVersions).flatMap((o) => (o.kind === 'ok' ? [(o.readAt ?? snapshot.takenAt).getTime()] : []));
  const oldest = Math.min(...readTimes);
  if (readTimes.length === 0 || oldest >= snapshot.takenAt.getTime()) return { roles, unread };
  return { roles, unread, readBetween: { oldest: new Date(oldest).toISOString(), newest: new Date(Math.max(...readTimes)).toISOString() } };
}

/** The shown services' images on some nodes: per image name, each tag and the nodes running it, in order of first appearance. */
function roleImages(nodes: readonly string[], read: ReadonlyMap<string, PackageVersions>): PackageOnRole[] {
  const byName = new Map<string, Map<string, string[]>>();
  for (const node of nodes) {
    for (const image of imagesOf(read.get(node) ?? new Map())) {
      if (!IMAGE_SHOWN.has(imageService(image.name))) continue;
      const tags = byName.get(image.name) ?? new Map<string, string[]>();
      const tag = image.tag ?? 'untagged';
      const on = tags.get(tag) ?? [];
      // nova_compute and nova_migration_target run the same image on one node.
      if (!on.includes(node)) on.push(node);
      tags.set(tag, on);
      byName.set(image.name, tags);
    }
  }
  return [...byName].map(([name, tags]) => ({ package: name, versions: [...tags].map(([version, on]) => ({ version, nodes: on })) }));
}

/** The services whose images `/cluster status` lists (names as kolla and TripleO images call them, without their prefixes). */
const IMAGE_SHOWN: ReadonlySet<string> = new Set([
  'keystone',
  'nova-api',
  'nova-compute',
  'nova-libvirt',
  'neutron-server',
  'neutron-server-ovn',
  'neutron-l3-agent',
  'neutron-openvswitch-agent',
  'cinder-volume',
  'rabbitmq',
  'mariadb',
  'mariadb-server',
  'ovn-controller',
  'ovn-northd',
  'ovn-nb-db-server',
  'ovn-sb-db-server',
  'ceph',
]);

/** `read 17:55 UTC` or `read 17:55-18:01 UTC`: when reused lists were read (minutes, UTC). */
function readWhen(view: VersionsView): string {
  if (!view.readBetween) return '';
  const [from, to] = [utcHourMinute(view.readBetween.oldest), utcHourMinute(view.readBetween.newest)];
  return `; read ${from === to ? from : `${from}-${to}`} UTC`;
}

/** `keystone 2:17.0.0-0ubuntu1`, or `rabbitmq-server 3.8.2 on node-10, node-11; 3.8.3 on node-12` when nodes differ. */
function describePackage(p: PackageOnRole, readCount: number): string {
  const only = p.versions[0];
  if (p.versions.length === 1 && only) return `${p.package} ${only.version}${only.nodes.length < readCount ? ` on ${only.nodes.join(', ')}` : ''}`;
  return `${p.package} ${p.versions.map((v) => `${v.version} on ${v.nodes.join(', ')}`).join('; ')}`;
}

/** `keystone:2023.1-ubuntu-jammy`, or `nova-compute:16.1-43 on a; 16.1-44 on b` when nodes differ (name:tag, as the image reference reads). */
function describeImage(p: PackageOnRole, readCount: number): string {
  const only = p.versions[0];
  if (p.versions.length === 1 && only) return `${p.package}:${only.version}${only.nodes.length < readCount ? ` on ${only.nodes.join(', ')}` : ''}`;
  return `${p.package}:${p.versions.map((v) => `${v.version} on ${v.nodes.join(', ')}`).join('; ')}`;
}

/** One line per role (and one for its container images, where it runs some), then the nodes not read; empty when the probe ran nowhere. */
function lines(view: VersionsView): string[] {
  const roleLines = view.roles.flatMap((r) => [
    `${r.role} (${r.read.length}): ${r.packages.length ? r.packages.map((p) => describePackage(p, r.read.length)).join(', ') : 'none of the packages shown is installed on the host'}`,
    ...(r.images.length ? [`${r.role} images (${r.read.length}): ${r.images.map((p) => describeImage(p, r.read.length)).join(', ')}`] : []),
  ]);
  const unread = view.unread.length ? [`not read: ${view.unread.map((u) => `${u.node} (${u.why})`).join('; ')}`] : [];
  return [...roleLines, ...unread];
}

/** The versions block of the text status (no glyph: nothing here is judged). */
export function versionsText(view: VersionsView): string {
  const body = lines(view);
  return body.length ? `Versions (installed, not judged${readWhen(view)}):\n${body.map((l) => `  ${l}`).join('\n')}\n` : '';
}

/** The same for Slack: one context line per role (Slack shows the blocks, not the text). */
export function versionsMrkdwn(view: VersionsView): string {
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const when = readWhen(view);
  return lines(view)
    .map((l, i) => `>> Versions${i === 0 && when ? ` (${when.slice(2)})` : ''}: ${esc(l)}\n`)
    .join('');
}
