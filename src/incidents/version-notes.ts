import { compareNodes } from '../inventory/node-order.js';
import type { Evidence } from './types.js';

/**
 * What the installed versions say of the incident's findings, for the summary and the post-mortem.
 * A finding of a signature that declares `versions` carries the node's verdict in its fields
 * (`package`, `installedVersion`, `versionVerdict`, `fixedIn`, see signatures/versions.ts); the
 * views say it in words, because a finding on a fixed version is most likely another problem with
 * the same symptom, and an operator should not upgrade a package that already has the fix.
 */

/** The verdicts a finding's fields can carry. */
export type NoteVerdict = 'affected' | 'fixed' | 'unknown';

/** One verdict of one signature with one installed version, and the nodes it holds on. */
export interface VersionNote {
  readonly signature: string;
  readonly verdict: NoteVerdict;
  readonly package: string;
  readonly installed: string | null;
  readonly fixedIn: string | null;
  /** The container image the service runs in, when the host does not have the package. */
  readonly image: string | null;
  readonly nodes: readonly string[];
}

const VERDICTS: ReadonlySet<string> = new Set<NoteVerdict>(['affected', 'fixed', 'unknown']);

/**
 * The version notes of some evidence: one per signature, verdict, package and installed version,
 * with its nodes in node order. Evidence without a verdict (no `versions` on the signature, or the
 * node's packages were not read) gives none: nothing is said rather than a guess.
 */
export function versionNotes(evidence: readonly Evidence[]): VersionNote[] {
  const notes = new Map<string, { note: Omit<VersionNote, 'nodes'>; nodes: Set<string> }>();
  for (const e of evidence) {
    const verdict = e.fields.versionVerdict;
    const pkg = e.fields.package;
    if (verdict === undefined || !VERDICTS.has(verdict) || pkg === undefined) continue;
    const installed = e.fields.installedVersion ?? null;
    const fixedIn = e.fields.fixedIn ?? null;
    const image = e.fields.image ?? null;
    const key = [e.signature, verdict, pkg, installed ?? '', fixedIn ?? '', image ?? ''].join('\u0000');
    const entry = notes.get(key) ?? {
      note: { signature: e.signature, verdict: verdict as NoteVerdict, package: pkg, installed, fixedIn, image },
      nodes: new Set(),
    };
    entry.nodes.add(e.node);
    notes.set(key, entry);
  }
  return [...notes.values()].map(({ note, nodes }) => ({ ...note, nodes: [...nodes].sort(compareNodes) }));
}

/**
 * The verdict in words: "on a fixed version (keystone 2:18.0.1-0ubuntu0.20.04.1 >= 2:18.0.1):
 * likely not this bug", "on an affected version (keystone 2:17.0.0-0ubuntu0.20.04.1, fixed in
 * 2:17.0.1)", or why it is not known.
 */
export function versionNoteText(note: Pick<VersionNote, 'verdict' | 'package' | 'installed' | 'fixedIn'> & { readonly image?: string | null }): string {
  const installed = note.installed ?? 'unknown';
  if (note.verdict === 'fixed') return `on a fixed version (${note.package} ${installed} >= ${note.fixedIn ?? '?'}): likely not this bug`;
  if (note.verdict === 'affected')
    return note.fixedIn
      ? `on an affected version (${note.package} ${installed}, fixed in ${note.fixedIn})`
      : `on an affected version (${note.package} ${installed}, no fix in its release series)`;
  // On kolla and TripleO hosts the service's package lives in its container, not on the host.
  if (note.image) return `version unknown (${note.package} runs in the image ${note.image}; the package inside it is not read)`;
  return `version unknown (${note.package} is not among the node's installed packages)`;
}

/**
 * The one note that applies to a signature on some nodes, in words, or a pointer to the list when
 * the nodes differ; null when no note applies.
 */
export function stepVersionText(notes: readonly VersionNote[], signature: string, nodes: readonly string[]): string | null {
  const mine = notes.filter((n) => n.signature === signature && n.nodes.some((node) => nodes.includes(node)));
  const first = mine[0];
  if (first === undefined) return null;
  return mine.length === 1 ? versionNoteText(first) : 'versions differ between its nodes (see Versions)';
}
