import { remote, ShellScript } from '../ssh/shell.js';
import { rawText } from './text.js';
import { ok, unknown, type Probe, type ProbeOutput, type ProbeResult } from './types.js';

/** Installed packages of a node and their versions (`2:17.0.0-0ubuntu0.20.04.1`), by package name. */
export type PackageVersions = ReadonlyMap<string, string>;

/**
 * Every installed package, one per line: `dpkg-query -W` on Debian and Ubuntu (with the status,
 * so that removed-but-configured packages are left out), `rpm -qa` on RHEL in the query format
 * other inventory tools use (mondoo's cnquery: name, epoch:version-release, arch, summary), so
 * that their recorded real outputs test the parser. The whole list, so the command names nothing
 * from outside the code.
 */
const LIST_PACKAGES = ShellScript.raw(
  "if command -v dpkg-query >/dev/null 2>&1; then dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\\n'; elif command -v rpm >/dev/null 2>&1; then rpm -qa --queryformat '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SUMMARY}\\n'; else echo 'no dpkg-query or rpm' >&2; exit 127; fi",
);

/**
 * Reads `dpkg-query -W` lines (`name version ii `; any status but installed is left out, and so is
 * a package with no version) and `rpm -qa` lines (`name epoch:version-release arch summary`, epoch
 * 0 dropped; the arch and summary are not kept).
 */
export function parsePackageVersions(output: ProbeOutput): ProbeResult<PackageVersions> {
  const versions = new Map<string, string>();
  for (const line of output.stdout.split('\n')) {
    const dpkg = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)? (\S+) ([a-z][a-zA-Z ]{1,2})\s*$/.exec(line);
    if (dpkg) {
      if ((dpkg[3] as string).startsWith('ii')) versions.set(dpkg[1] as string, dpkg[2] as string);
      continue;
    }
    const rpm = /^([A-Za-z0-9][A-Za-z0-9+._-]*) (\d+):(\S+)(?: \S+(?: .*)?)?$/.exec(line);
    if (rpm) versions.set(rpm[1] as string, rpm[2] === '0' ? (rpm[3] as string) : `${rpm[2]}:${rpm[3]}`);
  }
  if (versions.size === 0) return unknown(output.exitCode === 0 ? 'no installed package listed' : 'no dpkg-query or rpm answered', rawText(output));
  return ok(versions);
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
