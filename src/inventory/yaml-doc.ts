import { parseDocument, type ScalarTag } from 'yaml';
import { ConfigError } from '../errors.js';

/** A value Ansible Vault encrypted (`!vault |`): stackmedic keeps that it was there, never the text. */
export class VaultedValue {
  readonly kind = 'vaulted';
}

const vaultTag: ScalarTag = {
  tag: '!vault',
  identify: (value) => value instanceof VaultedValue,
  resolve: () => new VaultedValue(),
};

// Ansible's `!unsafe` only turns templating off: the text itself is the value.
const unsafeTag: ScalarTag = {
  tag: '!unsafe',
  resolve: (text) => text,
};

/** A parsed YAML document and the tags it used that nothing here understands. */
export interface YamlRead {
  readonly value: unknown;
  readonly unknownTags: readonly string[];
}

/**
 * Parses YAML (or JSON) text the way inventories need: `!vault` values become `VaultedValue`s and
 * `!unsafe` strings stay strings, and nothing is printed (the `yaml` package's `parse` warns on
 * stderr about tags it does not know; those are returned instead).
 */
export function readYaml(text: string, path: string): YamlRead {
  // JSON is YAML, but JSON.parse reads a 100 kB generated inventory some fifty times faster.
  if (/^\s*[{[]/.test(text)) {
    try {
      return { value: JSON.parse(text) as unknown, unknownTags: [] };
    } catch {
      // Not strict JSON (a YAML flow mapping, say): the YAML reader says what is wrong.
    }
  }
  const doc = parseDocument(text, { customTags: [vaultTag, unsafeTag], logLevel: 'silent', uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new ConfigError(path, pos ? `line ${pos.line}` : '(yaml)', `valid YAML (${error.code})`);
  }
  const unknownTags = new Set<string>();
  for (const w of doc.warnings) {
    const m = /Unresolved tag: (\S+)/.exec(w.message);
    if (m?.[1]) unknownTags.add(m[1]);
  }
  return { value: doc.toJS({ maxAliasCount: 1000 }), unknownTags: [...unknownTags] };
}
