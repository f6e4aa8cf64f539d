import { readFile } from 'node:fs/promises';
import { parseDpkgList, parseDpkgStatus, type PackageVersions } from '../probes/package-versions.js';
import type { CopiedLog } from './empty-logs.js';

/**
 * Where a copied tree says what was installed: dpkg's database, or the `dpkg -l` a sosreport keeps
 * (`<node>/sos_commands/dpkg/dpkg_-l`, what hotsos reads).
 */
const SOURCES: readonly { readonly path: string; readonly parse: (text: string) => PackageVersions }[] = [
  { path: '/var/lib/dpkg/status', parse: parseDpkgStatus },
  { path: '/sos_commands/dpkg/dpkg_-l', parse: parseDpkgList },
];

/**
 * Installed package versions per node of a copied log tree, from the first of `SOURCES` the node
 * has; nodes with none are absent (their versions are unknown, never assumed).
 */
export async function copiedPackageVersions(files: readonly CopiedLog[]): Promise<Map<string, PackageVersions>> {
  const versions = new Map<string, PackageVersions>();
  for (const source of SOURCES) {
    for (const f of files.filter((x) => x.path === source.path && !versions.has(x.node))) versions.set(f.node, source.parse(await readFile(f.local, 'utf8')));
  }
  return versions;
}
