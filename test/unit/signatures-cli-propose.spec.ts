import { mkdirSync, mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, parseCatalogText } from '../../src/signatures/catalog.js';
import { diagnoseDirectory } from '../../src/signatures/diagnose.js';
import { draftSignature, globOf, literalOf, patternOf, renderSignatureFile, templateParts, titleOf } from '../../src/signatures/propose.js';
import { claimedGroups } from '../../src/signatures/signature-test.js';
import type { UnrecognisedGroup } from '../../src/signatures/unrecognised.js';

const SEED_RABBIT = join(import.meta.dirname, '../fixtures/logs/seed/rabbit@messaging-node-10.log');

describe('drafting a pattern from a template', () => {
  it('escapes constant text and bounds the variable parts', () => {
    const pattern = patternOf('ERROR nova.virt [<*> - -] Failed (code <*>) on <*> <*> now: x+y?'.split(' '));
    expect(pattern).toBe('ERROR\\s+nova\\.virt\\s+\\[.{1,200}?\\s+-\\s+-\\]\\s+Failed\\s+\\(code\\s+.{1,200}?\\)\\s+on\\s+.{1,400}?\\s+now:\\s+x\\+y\\?');
    const re = new RegExp(pattern as string);
    expect(re.test('2022-02-04 10:00:00.1 12 ERROR nova.virt [req-1 - -] Failed (code 5) on 2022-02-04 10:00:00 now: x+y?')).toBe(true);
    expect(re.test('ERROR nova.virt [req-1 - -] Failed (code 5) on host now: x+z?')).toBe(false);
  });

  it('has no pattern for a template of variable parts only', () => {
    expect(patternOf(['<*>', '<*>'])).toBeNull();
  });

  it('picks the longest constant run of the message for the prefilter, not the level and logger', () => {
    expect(literalOf('ERROR neutron.agent.l3.agent [-] An interface driver must be specified'.split(' '))).toBe('An interface driver must be specified');
    expect(literalOf('ERROR nova.compute.manager [<*> - - - - -] Error for node <*>: boom'.split(' '))).toBe('Error for node');
  });

  it('can make a literal of one token, for logs that align their columns with several spaces', () => {
    const tokens = 'ERROR neutron.wsgi [-] rate_limit_except_level = CRITICAL'.split(' ');
    expect(literalOf(tokens)).toBe('rate_limit_except_level = CRITICAL');
    expect(literalOf(tokens, 'token')).toBe('rate_limit_except_level');
  });

  it('makes globs of live names, with the node name as *', () => {
    expect(globOf({ node: 'node-10', file: '/var/log/rabbitmq/rabbit@node-10.log.2.gz' })).toBe('/var/log/rabbitmq/rabbit@*.log');
    expect(globOf({ node: 'c1', file: '/var/log/nova/nova-compute.log-20240101' })).toBe('/var/log/nova/nova-compute.log');
  });

  it('titles a group by its logger and first words', () => {
    expect(titleOf(templateParts('ERROR nova.compute.manager [<*> - - - - -] No compute node record for host <*>: nova.exception.X: y'))).toBe(
      'nova.compute.manager: No compute node record for host',
    );
    expect(titleOf(templateParts('ERROR nova.compute.manager [<*> - -] [instance: <*>] Failed to build and run instance: x'))).toBe(
      'nova.compute.manager: Failed to build and run instance',
    );
    expect(titleOf(templateParts('CRITICAL nova [<*> - -] Unhandled error: keystoneauth1.DiscoveryFailure: y'))).toBe(
      'nova: Unhandled error: keystoneauth1.DiscoveryFailure',
    );
  });
});

describe('a drafted RabbitMQ error report', () => {
  it('matches the report header and its body on the next line, and claims its group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackmedic-propose-'));
    mkdirSync(join(dir, 'messaging-node-10/var/log/rabbitmq'), { recursive: true });
    copyFileSync(SEED_RABBIT, join(dir, 'messaging-node-10/var/log/rabbitmq/rabbit@messaging-node-10.log'));
    const catalog = await loadCatalog();
    const before = await diagnoseDirectory(dir, catalog);
    const group = before.unrecognised.groups[0] as UnrecognisedGroup;
    expect(group.template).toMatch(/^ERROR REPORT Error on AMQP connection/);
    const draft = draftSignature(group, { number: 1, parts: ['head'], seenIn: [], roles: ['controller'], takenIds: new Set() });
    expect(draft.source.logs.paths).toEqual(['/var/log/rabbitmq/rabbit@*.log']);
    expect(draft.id).toBe('local-error-on-amqp-connection');
    const text = renderSignatureFile(draft, group);
    const ops = mkdtempSync(join(tmpdir(), 'stackmedic-propose-ops-'));
    writeFileSync(join(ops, 'draft.yaml'), text);
    const withDraft = await loadCatalog({ extraDir: ops });
    expect(parseCatalogText(text, 'draft.yaml')[0]?.id).toBe(draft.id);
    const after = await diagnoseDirectory(dir, withDraft);
    expect(after.findings.filter((f) => f.signature === draft.id).map((f) => f.line)).toEqual([24, 29]);
    expect(claimedGroups(before.unrecognised.groups, after.unrecognised.groups)).toEqual([{ number: 1, template: group.template, count: 2, claimed: 2 }]);
  });
});

describe('which groups a signature takes over', () => {
  const g = (template: string, count: number): UnrecognisedGroup => ({
    template,
    count,
    nodes: ['n'],
    first: null,
    last: null,
    example: { node: 'n', file: '/f', line: 1 },
  });

  it('counts a group left with fewer records, even when its template narrowed', () => {
    const before = [g('a <*> c', 5), g('x y', 2), g('p q', 1)];
    const after = [g('a b c', 3), g('p q', 1)];
    expect(claimedGroups(before, after)).toEqual([
      { number: 1, template: 'a <*> c', count: 5, claimed: 2 },
      { number: 2, template: 'x y', count: 2, claimed: 2 },
    ]);
  });
});
