import { beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, groupProblems, renderPostmortem, summaryReply, type IncidentData } from '../../../src/incidents/index.js';
import { parseDpkgList } from '../../../src/probes/package-versions.js';
import { LogMatcher, type LogFinding } from '../../../src/signatures/matcher.js';
import { isLogSignature, type Catalog } from '../../../src/signatures/schema.js';
import { annotateVersions } from '../../../src/signatures/versions.js';
import { incidentOf } from '../incidents/incident-of.js';
import { builtinCatalog, logFixture } from './support.js';

/**
 * Issue 12 §3, the last step: an incident's summary and post-mortem say what the node's installed
 * version says of a finding whose signature declares `versions`. The log is hotsos's real keystone
 * traceback of LP#1896125 (test/fixtures/logs/real/SOURCE.md); the package lines are the `dpkg -l`
 * rows of hotsos's lp1896125 tests (canonical/hotsos @57b256c4,
 * hotsos/defs/tests/scenarios/openstack/keystone/bugs/lp1896125-18-0-1-should-not-raise.yaml and
 * lp1896125-17-0-0-should-raise.yaml), which hotsos reads as fixed and affected.
 */

const FIXED = 'ii  keystone 2:18.0.1-0ubuntu0.20.04.1 amd64';
const AFFECTED = 'ii  keystone 2:17.0.0-0ubuntu0.20.04.1 amd64';
const FILE = '/var/log/keystone/keystone.log';
const AT = '2024-03-01T12:00:00.000Z';

let catalog: Catalog;

beforeAll(async () => {
  catalog = await builtinCatalog();
});

/** The LDAP pool finding on each node, with that node's `dpkg -l` rows (none: not read). */
function incidentData(nodes: Readonly<Record<string, string | null>>): IncidentData {
  const matcher = new LogMatcher(catalog.signatures.filter(isLogSignature));
  const text = logFixture('real/keystone/hotsos_lp1896125_ldap_pool.log');
  const findings: LogFinding[] = Object.keys(nodes).flatMap((node) => matcher.scanText(text, { node, file: FILE }));
  const packages = new Map(Object.entries(nodes).flatMap(([node, dpkg]) => (dpkg === null ? [] : [[node, parseDpkgList(dpkg)] as const])));
  const annotated = annotateVersions(findings, catalog.signatures, (node) => packages.get(node));
  const [problem] = groupProblems(evidenceOf(annotated), catalog.signatures);
  if (!problem) throw new Error('the LDAP pool line makes no problem');
  return { ...incidentOf(problem, AT), events: [], signatures: catalog.signatures, now: AT };
}

/** The mrkdwn of a reply's blocks, as Slack gets it. */
function slackText(data: IncidentData): string {
  return JSON.stringify(summaryReply(data).blocks);
}

describe('a finding on a fixed version', () => {
  it('says so in the chain and under Versions of the text summary', () => {
    const reply = summaryReply(incidentData({ 'ctl-1': FIXED }));
    const note = 'on a fixed version (keystone 2:18.0.1-0ubuntu0.20.04.1 >= 2:18.0.1): likely not this bug';
    expect(reply.text).toContain(`* Keystone's LDAP connection pool is exhausted on ctl-1 — ${note}\n`);
    expect(reply.text).toContain(
      `Versions (the signatures name the releases that carry their bug):\n  Keystone's LDAP connection pool is exhausted on ctl-1: ${note}\n`,
    );
  });

  it('says so in Slack, with mrkdwn escaped', () => {
    const blocks = slackText(incidentData({ 'ctl-1': FIXED }));
    expect(blocks).toContain('on a fixed version (keystone 2:18.0.1-0ubuntu0.20.04.1 &gt;= 2:18.0.1): likely not this bug');
    expect(blocks).toContain('*Versions*');
    expect(blocks).not.toContain(' >= ');
  });

  it('says so in the post-mortem, next to the root cause', () => {
    const md = renderPostmortem({ ...incidentData({ 'ctl-1': FIXED }), audit: [] });
    expect(md).toContain(
      "1. Keystone's LDAP connection pool is exhausted on ctl-1 — on a fixed version (keystone 2:18.0.1-0ubuntu0.20.04.1 >= 2:18.0.1): likely not this bug\n",
    );
    expect(md).toMatch(/## Root cause\n[\s\S]*Installed versions \(the signatures name the releases that carry their bug\):\n- Keystone's LDAP/);
  });
});

describe('other verdicts', () => {
  it('names an affected version and the release that fixes it', () => {
    const reply = summaryReply(incidentData({ 'ctl-1': AFFECTED }));
    expect(reply.text).toContain('— on an affected version (keystone 2:17.0.0-0ubuntu0.20.04.1, fixed in 2:17.0.1)\n');
    expect(reply.text).not.toContain('likely not this bug');
  });

  it('says unknown, never fixed, when the package is not among the node’s packages', () => {
    const reply = summaryReply(incidentData({ 'ctl-1': 'ii  openssh-server 1:8.2p1-4ubuntu0.5 amd64' }));
    expect(reply.text).toContain("— version unknown (keystone is not among the node's installed packages)\n");
    expect(reply.text).not.toContain('fixed version');
  });

  it('says nothing of versions when the node’s packages were not read', () => {
    const data = incidentData({ 'ctl-1': null });
    expect(summaryReply(data).text).not.toMatch(/Versions|version unknown|fixed version|affected version/);
    expect(renderPostmortem({ ...data, audit: [] })).not.toContain('Installed versions');
  });

  it('lists each node’s verdict when the nodes run different versions', () => {
    const text = summaryReply(incidentData({ 'ctl-1': FIXED, 'ctl-2': AFFECTED })).text;
    const versions = /Versions \(the signatures name the releases that carry their bug\):\n((?: {2}.*\n)+)/.exec(text)?.[1] ?? '';
    expect(
      versions
        .trimEnd()
        .split('\n')
        .map((l) => l.trim())
        .sort(),
    ).toEqual([
      "Keystone's LDAP connection pool is exhausted on ctl-1: on a fixed version (keystone 2:18.0.1-0ubuntu0.20.04.1 >= 2:18.0.1): likely not this bug",
      "Keystone's LDAP connection pool is exhausted on ctl-2: on an affected version (keystone 2:17.0.0-0ubuntu0.20.04.1, fixed in 2:17.0.1)",
    ]);
  });
});
