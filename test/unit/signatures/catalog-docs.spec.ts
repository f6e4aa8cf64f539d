import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { probeFacts } from '../../../src/health/registry.js';
import { buildCatalog, loadCatalog } from '../../../src/signatures/catalog.js';
import { LogMatcher } from '../../../src/signatures/matcher.js';
import { isLogSignature, logSourceSchema, probeSourceSchema, signatureSchema } from '../../../src/signatures/schema.js';
import { readVersion } from '../../../src/signatures/versions.js';
import { logFixture } from './support.js';

/** docs/signatures.md is the operators' reference for SIGNATURES_DIR: its examples go through the real loader. */
const DOC = readFileSync(fileURLToPath(new URL('../../../docs/signatures.md', import.meta.url)), 'utf8');
const blocks = (lang: string): string[] => [...DOC.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1] as string);
const YAML = blocks('yaml');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Loads one example as the only file of a SIGNATURES_DIR, with the built-ins, as the bot does. */
async function loadExample(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stackmedic-doc-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'example.yaml'), text);
  const catalog = await loadCatalog({ extraDir: dir });
  return { catalog, own: catalog.signatures.filter((s) => catalog.origin.get(s.id) === join(dir, 'example.yaml')) };
}

describe('docs/signatures.md', () => {
  it('has examples of every kind the page explains', () => {
    expect(YAML.length).toBeGreaterThanOrEqual(7);
  });

  it.each(YAML.map((text, i) => [i + 1, text] as const))('example %i loads through the catalog loader, with the built-ins', async (_, text) => {
    const { own } = await loadExample(text);
    expect(own.length).toBeGreaterThan(0);
  });

  it('shows the shared source, the journal, the kernel, empty, thresholds, versions, recoveries and a probe fact in its examples', async () => {
    const loaded = (await Promise.all(YAML.map((t) => loadExample(t)))).flatMap((l) => l.own);
    const some = (what: string, test: (s: (typeof loaded)[number]) => boolean): void => expect(loaded.some(test), what).toBe(true);
    some('journal units', (s) => 'logs' in s.source && (s.source.logs.journal?.length ?? 0) > 0);
    some('dmesg', (s) => 'logs' in s.source && s.source.logs.kernel === true);
    some('empty', (s) => s.empty !== undefined);
    some('threshold', (s) => s.threshold !== undefined);
    some('versions', (s) => s.versions !== undefined);
    some('clears with a clearKey', (s) => s.clears !== undefined && s.clearKey !== undefined);
    some('a probe fact', (s) => 'probe' in s.source);
    // A shared source: a list whose signatures name none of their own.
    expect(YAML.some((t) => /^source:\n/m.test(t) && /^signatures:\n/m.test(t))).toBe(true);
  });

  it('names every field the schema accepts', () => {
    const fields = [...Object.keys(signatureSchema.shape), ...Object.keys(logSourceSchema.shape), ...Object.keys(probeSourceSchema.shape)];
    expect(fields.filter((f) => !DOC.includes(`\`${f}\``) && !new RegExp(`^\\s*${f}:`, 'm').test(DOC))).toEqual([]);
  });

  it('lists exactly the probe facts the health areas register', () => {
    const listed = [...DOC.matchAll(/^\| `([a-z-]+\/[a-z-]+)` \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...probeFacts.keys()].sort());
  });

  it("quotes the loader's own message for a pattern without a literal", () => {
    const shown = blocks('text')[0]?.trim() ?? '';
    const file = shown.slice(0, shown.indexOf(': '));
    const text = (YAML[0] as string).replace(/^ {2}- ".*"$/m, "  - '[A-Z]\\w+ \\d+'");
    expect(() => buildCatalog([{ file, text }])).toThrow(shown);
  });

  it("fires the versions example on hotsos's real LDAP pool line, and reads keystone 2:17.0.0 as affected", async () => {
    const example = YAML.find((t) => t.includes('versions:')) as string;
    const { own } = await loadExample(example);
    const findings = new LogMatcher(own.filter(isLogSignature)).scanText(logFixture('real/keystone/hotsos_lp1896125_ldap_pool.log'), {
      node: 'node-10',
      file: '/var/log/keystone/keystone.log',
    });
    expect(findings.map((f) => f.fields.uri)).toEqual(['ldaps://ldapserver.example.com']);
    const spec = own[0]?.versions;
    expect(spec && readVersion(spec, '2:17.0.0-0ubuntu0.20.04.1').verdict).toBe('affected');
    expect(spec && readVersion(spec, '2:17.0.1-0ubuntu0.20.04.1').verdict).toBe('fixed');
  });
});
