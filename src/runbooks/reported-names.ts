/**
 * Names a node reports (RabbitMQ member names, pacemaker resource ids) end up as arguments of
 * commands that change the cluster. Quoting keeps them from being shell syntax, but a name can
 * still be an option (`--help`), a path (`../x`) or just not what the tool would ever print. These
 * checks accept only the shapes the tools produce, so a crafted or corrupt answer stops the runbook.
 */
import type { CheckStep } from './types.js';

/** Erlang node names as RabbitMQ prints them: `rabbit@node-10`, `rabbit@node-10.example.com`. */
const RABBIT_NODE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*@[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Pacemaker ids (XML IDs, with `:N` clone instance suffixes): never starting with `-`. */
const PACEMAKER_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]*$/;

/** What kind of reported name a value is. */
export type ReportedNameKind = 'rabbit-node' | 'pacemaker-id';

/** Why `value` is not a name of `kind` as the tools print them, or undefined when it is. */
export function reportedNameProblem(kind: ReportedNameKind, value: string): string | undefined {
  const shape = kind === 'rabbit-node' ? RABBIT_NODE : PACEMAKER_ID;
  if (value.length > 255) return 'it is longer than any name the tool prints';
  if (!shape.test(value)) return kind === 'rabbit-node' ? 'it is not a RabbitMQ node name (name@host)' : 'it is not a pacemaker id';
  return undefined;
}

/** A check that refuses the runbook when any name the nodes reported has an impossible shape. */
export function reportedNamesCheck(
  names: readonly { readonly kind: ReportedNameKind; readonly value: string; readonly from: string }[],
): CheckStep | undefined {
  const bad = names.flatMap((n) => {
    const why = reportedNameProblem(n.kind, n.value);
    return why ? [`${JSON.stringify(n.value)} reported by ${n.from}: ${why}`] : [];
  });
  if (bad.length === 0) return undefined;
  return {
    kind: 'check',
    description: 'the names the nodes reported are well-formed',
    run: async () => ({
      ok: false,
      detail: `refusing to act on names no healthy tool prints: ${bad.join('; ')}`,
      next: 'read the tool output on those nodes by hand; a node answering like this may be compromised or broken',
    }),
  };
}
