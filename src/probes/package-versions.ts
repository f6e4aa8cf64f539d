import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Installed packages of a node and their versions (`2:17.0.0-0ubuntu0.20.04.1`), by package name. */
export type PackageVersions = ReadonlyMap<string, string>;

/**
 * A running container and the image it runs (`quay.io/openstack.kolla/nova-compute:2023.1-ubuntu-jammy`,
 * `registry.redhat.io/rhosp-rhel9/openstack-nova-compute:17.1`): on kolla-ansible and TripleO hosts
 * the OpenStack services are in images, so the host's packages do not say their versions; the tag does.
 */
export interface ContainerImage {
  readonly engine: 'docker' | 'podman';
  readonly container: string;
  /** The image reference as the engine prints it. */
  readonly image: string;
  /** The last path element of the repository (`nova-compute`, `openstack-nova-compute`). */
  readonly name: string;
  /** The tag (`2023.1-ubuntu-jammy`, `16.1-43`), or null when the reference has none. */
  readonly tag: string | null;
}

/** A node's host packages, with the images of its running containers. */
class NodePackages extends Map<string, string> {
  constructor(
    entries: Iterable<readonly [string, string]>,
    readonly images: readonly ContainerImage[],
  ) {
    super(entries);
  }
}

/**
 * The service a container image runs, from its name: kolla's images are named after the service
 * (`nova-compute`), older kolla ones carry the base and install type (`ubuntu-source-nova-compute`,
 * `centos-binary-cron`), TripleO's and RHOSP's an `openstack-` prefix (`openstack-nova-compute`).
 */
export function imageService(name: string): string {
  return name.replace(/^(?:openstack-|(?:centos|ubuntu|debian|rhel|rocky|oraclelinux)-(?:binary|source)-)/, '');
}

/**
 * The running container image of the service a package belongs to (`keystone`, `openstack-keystone`,
 * `ceph-mon` in `ceph`), if the node runs one: where the host does not have the package.
 */
export function imageOfPackage(versions: PackageVersions, pkg: string): ContainerImage | undefined {
  const service = pkg.replace(/^openstack-/, '');
  return imagesOf(versions).find((i) => {
    const s = imageService(i.name);
    return s === service || (s === 'ceph' && service.startsWith('ceph-'));
  });
}

/** The running containers' images read with a node's packages (none on a host without docker or podman). */
export function imagesOf(versions: PackageVersions): readonly ContainerImage[] {
  return versions instanceof NodePackages ? versions.images : [];
}

/**
 * Every installed package, one per line: `dpkg-query -W` on Debian and Ubuntu (with the status,
 * so that removed-but-configured packages are left out), `rpm -qa` on RHEL in the query format
 * other inventory tools use (mondoo's cnquery: name, epoch:version-release, arch, summary), so
 * that their recorded real outputs test the parser. The whole list, so the command names nothing
 * from outside the code.
 */
const LIST_PACKAGES = ShellScript.raw(
  // The running containers first (the engines' own table, as operators paste it), so that the
  // package manager's exit status stays the script's.
  "if command -v docker >/dev/null 2>&1; then echo '@@containers docker'; docker ps 2>/dev/null; fi; " +
    "if command -v podman >/dev/null 2>&1; then echo '@@containers podman'; podman ps 2>/dev/null; fi; echo '@@packages'; " +
    "if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n'; elif command -v rpm >/dev/null 2>&1; then rpm -qa --queryformat '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SUMMARY}\\n'; else echo 'no dpkg-query or rpm' >&2; exit 127; fi",
);

/**
 * Reads `docker ps` / `podman ps` as they print by default: columns two or more spaces apart,
 * the id first, the image second, the names last. The header and lines that are no container row
 * (a daemon's error) are left out.
 */
export function parseContainerTable(text: string, engine: ContainerImage['engine']): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s{2,}/);
    const [id, image] = cols;
    const container = cols[cols.length - 1];
    if (cols.length < 3 || !id || !image || !container || !/^[0-9a-f]{12,64}$/.test(id)) continue;
    out.push({ engine, container, image, ...imageParts(image) });
  }
  return out;
}

/** `quay.io/openstack.kolla/keystone:2023.1-ubuntu-jammy` -> `keystone`, `2023.1-ubuntu-jammy` (a registry's port is no tag). */
function imageParts(image: string): { name: string; tag: string | null } {
  const ref = image.split('@')[0] ?? image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const repository = colon > slash ? ref.slice(0, colon) : ref;
  return { name: repository.slice(repository.lastIndexOf('/') + 1), tag: colon > slash ? ref.slice(colon + 1) : null };
}

/**
 * Reads `dpkg-query -W` lines (`name version ii `; any status but installed is left out, and so is
 * a package with no version) and `rpm -qa` lines (`name epoch:version-release arch summary`, epoch
 * 0 dropped; the arch and summary are not kept).
 */
export function parsePackageVersions(output: ProbeOutput): ProbeResult<PackageVersions> {
  const versions = new Map<string, string>();
  const { packages, images } = sections(output.stdout);
  for (const line of packages.split('\n')) {
    const dpkg = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)? (\S+) ([a-z][a-zA-Z ]{1,2})\s*$/.exec(line);
    if (dpkg) {
      if ((dpkg[3] as string).startsWith('ii')) versions.set(dpkg[1] as string, dpkg[2] as string);
      continue;
    }
    const rpm = /^([A-Za-z0-9][A-Za-z0-9+._-]*) (\d+):(\S+)(?: \S+(?: .*)?)?$/.exec(line);
    if (rpm) versions.set(rpm[1] as string, rpm[2] === '0' ? (rpm[3] as string) : `${rpm[2]}:${rpm[3]}`);
  }
  if (versions.size === 0) return unknown(output.exitCode === 0 ? 'no installed package listed' : 'no dpkg-query or rpm answered', rawText(output));
  return ok(new NodePackages(versions, images));
}

/** The package list and the container tables of the probe's output (all of it is the list when it has no markers). */
function sections(stdout: string): { packages: string; images: ContainerImage[] } {
  if (!stdout.includes('@@packages')) return { packages: stdout, images: [] };
  const images: ContainerImage[] = [];
  let packages = '';
  for (const part of stdout.split(/^@@/m)) {
    const [head = '', ...rest] = part.split('\n');
    const body = rest.join('\n');
    const engine = /^containers (docker|podman)$/.exec(head.trim())?.[1] as ContainerImage['engine'] | undefined;
    if (engine) images.push(...parseContainerTable(body, engine));
    else if (head.trim() === 'packages') packages = body;
  }
  return { packages, images };
}

/**
 * Reads dpkg's database (`/var/lib/dpkg/status`, as copied with a node's logs): the `Version` of
 * every stanza whose `Status` is `install ok installed`.
 */
export function parseDpkgStatus(text: string): PackageVersions {
  const versions = new Map<string, string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
    const version = /^Version: (\S+)$/m.exec(stanza)?.[1];
    if (name && version && /^Status: \S+ ok installed$/m.test(stanza)) versions.set(name, version);
  }
  return versions;
}

/** Reads `dpkg -l` (as sosreports keep it in `sos_commands/dpkg/dpkg_-l`): the `ii` rows. */
export function parseDpkgList(text: string): PackageVersions {
  const versions = new Map<string, string>();
  for (const m of text.matchAll(/^ii\s+([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s+(\S+)\s/gm)) versions.set(m[1] as string, m[2] as string);
  return versions;
}

/** How long a node's package list is reused by a snapshot with a probe cache. */
export const PACKAGE_LIST_MAX_AGE_MS = 10 * 60_000;

/** The versions of every package installed on a node, for signatures that say which versions carry their bug. */
export const packageVersions = {
  id: 'package-versions',
  title: 'Package versions',
  roles: ['controller', 'compute', 'network', 'storage', 'ceph-mon', 'ceph-osd'],
  scope: 'node',
  command: remote(LIST_PACKAGES),
  timeoutMs: 20_000,
  // The whole package list of every node is the largest answer of a status; packages change with
  // upgrades, not by the second. Reused for 10 minutes where the app keeps a probe cache, and the
  // status says when each list was read.
  maxAgeMs: PACKAGE_LIST_MAX_AGE_MS,
  parse: parsePackageVersions,
} satisfies Probe<PackageVersions>;
