import { LiteralSearcher } from './literal-search.js';
import { requiredLiterals } from './literals.js';
import type { LogSignature } from './schema.js';

/**
 * The literal prefilter: one multi-literal search (see `LiteralSearcher`) of every literal of
 * every signature, run over the raw bytes of a whole block; only records holding a hit are
 * decoded and given to the signatures' regular expressions.
 */

/** A signature ready for matching: compiled patterns and the literals that make a record a candidate. */
export interface CompiledSignature {
  readonly signature: LogSignature;
  readonly patterns: readonly RegExp[];
  /** Literals (lowercased when `ignoreCase`): a record holding none of them cannot match. */
  readonly literals: readonly string[];
  readonly ignoreCase: boolean;
}

/** The prefilter of a set of signatures. */
export interface Prefilter {
  /** Search for the case-sensitive literals, or `null` when there are none. */
  readonly exact: LiteralSearcher | null;
  /** Search for the literals of `ignoreCase` signatures (ASCII case folded), or `null`. */
  readonly folded: LiteralSearcher | null;
  readonly signatures: readonly CompiledSignature[];
}

/**
 * The literals a signature's records must contain: explicit ones, or derived from its patterns.
 * Edge spaces are trimmed: a space is the most common byte of a log and makes a poor anchor.
 */
export function signatureLiterals(signature: LogSignature): string[] {
  if (signature.literals && signature.literals.length > 0) return [...signature.literals];
  const all = new Set<string>();
  for (const pattern of signature.patterns) {
    const literals = requiredLiterals(pattern);
    if (literals === null) {
      throw new Error(`signature ${signature.id}: pattern ${pattern} has no required literal; the catalog loader should have refused it`);
    }
    for (const literal of literals) {
      const trimmed = literal.trim();
      all.add(trimmed.length >= 3 ? trimmed : literal);
    }
  }
  return [...all];
}

/** Compiles signatures and their combined prefilter. */
export function buildPrefilter(signatures: readonly LogSignature[]): Prefilter {
  const compiled = signatures.map((signature): CompiledSignature => {
    const flags = signature.ignoreCase ? 'i' : '';
    return {
      signature,
      patterns: signature.patterns.map((p) => new RegExp(p, flags)),
      literals: signatureLiterals(signature).map((l) => (signature.ignoreCase ? l.toLowerCase() : l)),
      ignoreCase: signature.ignoreCase,
    };
  });
  const exact = compiled.filter((c) => !c.ignoreCase).flatMap((c) => c.literals);
  const folded = compiled.filter((c) => c.ignoreCase).flatMap((c) => c.literals);
  return { exact: searcher(exact, false), folded: searcher(folded, true), signatures: compiled };
}

/**
 * One search for the literals that matter: a literal containing a shorter one adds nothing (any
 * text holding it holds the shorter one too), so it is dropped.
 */
function searcher(literals: readonly string[], ignoreCase: boolean): LiteralSearcher | null {
  const unique = [...new Set(literals)].sort((a, b) => a.length - b.length);
  const minimal: string[] = [];
  for (const literal of unique) {
    if (!minimal.some((shorter) => literal.includes(shorter))) minimal.push(literal);
  }
  if (minimal.length === 0) return null;
  return new LiteralSearcher(
    minimal.map((l) => Buffer.from(l, 'utf8')),
    ignoreCase,
  );
}
