import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { EnvOptions } from '../config/env.js';
import { UsageError, UserError } from '../errors.js';
import { CatalogError } from '../signatures/catalog-error.js';
import { loadCatalog, parseCatalogText } from '../signatures/catalog.js';
import { diagnoseDirectory, inferRoles, type DiagnoseOptions, type Diagnosis } from '../signatures/diagnose.js';
import { draftSignature, renderSignatureFile, templateParts, type DraftSignature, type LiteralMode, type TemplateParts } from '../signatures/propose.js';
import type { Catalog } from '../signatures/schema.js';
import { claimedGroups, loadCandidate, matchesOf, renderSignatureTest, testSignatures, type ClaimedGroup } from '../signatures/signature-test.js';
import { isValidZone } from '../signatures/timestamp.js';
import { SIGNATURES_PROPOSE_USAGE, SIGNATURES_TEST_USAGE } from './signatures-usage.js';
import type { UnrecognisedGroup } from '../signatures/unrecognised.js';

/** Where `stackmedic signatures` prints. */
export interface SignaturesCliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

function parse<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(error.message, `Usage: ${usage}`);
    throw error;
  }
}

function zoneOf(option: string | undefined, env: EnvOptions, usage: string): string {
  const zone = option ?? env.logTimezone;
  if (!isValidZone(zone))
    throw new UsageError(`unknown time zone ${JSON.stringify(zone)}: use an IANA name (Asia/Shanghai) or an offset (+08:00)`, `Usage: ${usage}`);
  return zone;
}

/** Runs `stackmedic signatures VERB ...`; returns the exit code (usage problems are thrown as `UsageError`). */
export async function runSignaturesCli(args: readonly string[], env: EnvOptions, io: SignaturesCliIO): Promise<number> {
  const [verb, ...rest] = args;
  const both = `Usage: ${SIGNATURES_PROPOSE_USAGE.split('\n')[0] as string}\n       ${SIGNATURES_TEST_USAGE.split('\n')[0] as string}`;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    if (verb === undefined) throw new UsageError('stackmedic signatures needs a verb: propose or test', both);
    io.out(both);
    return 0;
  }
  if (verb === 'propose') return propose(rest, env, io);
  if (verb === 'test') return test(rest, env, io);
  throw new UsageError(`unknown signatures verb "${verb}"`, both);
}

async function propose(args: readonly string[], env: EnvOptions, io: SignaturesCliIO): Promise<number> {
  const usage = SIGNATURES_PROPOSE_USAGE;
  const { values } = parse(
    {
      args: [...args],
      options: {
        logs: { type: 'string' },
        group: { type: 'string' },
        id: { type: 'string' },
        output: { type: 'string' },
        timezone: { type: 'string' },
        ...HELP,
      },
      strict: true,
    },
    usage,
  );
  if (values.help) {
    io.out(`Usage: ${usage}`);
    return 0;
  }
  if (!values.logs) throw new UsageError('stackmedic signatures propose needs --logs DIR', `Usage: ${usage}`);
  const number = Number(values.group);
  if (values.group === undefined || !/^\d+$/.test(values.group) || number < 1)
    throw new UsageError("--group takes the number of a group in diagnose's list of unrecognised errors (1, 2, ...)", `Usage: ${usage}`);
  if (values.output !== undefined && existsSync(values.output))
    throw new UserError(`${values.output} exists; stackmedic signatures propose never writes over a file`);
  const options: DiagnoseOptions = { zone: zoneOf(values.timezone, env, usage), redact: true };
  const baseline = await loadCatalog({ extraDir: env.signaturesDir });
  const before = await diagnoseDirectory(values.logs, baseline, options);
  const groups = before.unrecognised.groups;
  const group = groups[number - 1];
  if (group === undefined) {
    const { errors } = before.unrecognised.classification;
    const have =
      groups.length === 0
        ? errors === 0
          ? 'has no error records at all'
          : `has no unrecognised groups (all ${errors} error records are recognised)`
        : `has ${groups.length} unrecognised group${groups.length === 1 ? '' : 's'} (stackmedic diagnose --logs ${values.logs} lists them)`;
    throw new UserError(`no group ${number}: ${values.logs} ${have}`);
  }
  const roles = await rolesOf(values.logs, group.nodes);
  const takenIds = new Set(baseline.signatures.map((s) => s.id));
  if (values.id !== undefined && takenIds.has(values.id))
    throw new UserError(`signature id "${values.id}" is already in the catalog (${baseline.origin.get(values.id)}); choose another --id`);
  const best = await bestDraft({ logs: values.logs, group, number, roles, takenIds, id: values.id, baseline, before, options });
  const text = renderSignatureFile(best.draft, group);
  // The loader's own parse: a draft it would refuse is a bug here, not the operator's to find.
  parseCatalogText(text, values.output ?? '(draft)');
  const others = best.claimed.filter((c) => c.number !== number);
  const summary =
    `signature ${best.draft.id} recognises ${best.own} of the ${group.count} records of group ${number}` +
    (others.length > 0 ? `, and also ${others.map((c) => `${c.claimed} of group ${c.number}`).join(', ')}` : '') +
    `; check it with: stackmedic signatures test ${values.output ?? 'FILE'} --logs ${values.logs}`;
  if (values.output !== undefined) {
    try {
      await writeFile(values.output, text, { flag: 'wx' });
    } catch (error) {
      throw new UserError(`while writing ${values.output}: ${(error as Error).message}`);
    }
    io.out(`stackmedic: wrote ${values.output}: ${summary}`);
  } else {
    io.out(text.replace(/\n$/, ''));
    io.err(`stackmedic: ${summary}`);
  }
  return 0;
}

interface DraftInput {
  readonly logs: string;
  readonly group: UnrecognisedGroup;
  readonly number: number;
  readonly roles: readonly string[];
  readonly takenIds: ReadonlySet<string>;
  readonly id: string | undefined;
  readonly baseline: Catalog;
  readonly before: Diagnosis;
  readonly options: DiagnoseOptions;
}

interface Tried {
  readonly draft: DraftSignature;
  /** The template parts its patterns were made of, and how its literal was. */
  readonly choice: readonly (keyof TemplateParts)[];
  readonly literal: LiteralMode;
  readonly claimed: readonly ClaimedGroup[];
  /** Records of the group itself it recognises. */
  readonly own: number;
  readonly files: readonly { node: string; file: string }[];
}

/** Globs of every depth: a first run finds every file the draft's patterns match, wherever it is. */
const ANY_PATH = Array.from({ length: 12 }, (_, i) => `/${Array.from({ length: i + 1 }, () => '*').join('/')}`);

/**
 * Tries the group's first line and, for a traceback, its exception as the pattern, on the logs
 * themselves: the draft kept recognises most of the group and the fewest records of other groups
 * (an "Error updating resources" line shared by two tracebacks is told apart by their exceptions).
 */
async function bestDraft(input: DraftInput): Promise<Tried> {
  const parts = templateParts(input.group.template);
  const choices: (keyof TemplateParts)[][] = parts.exception.length > 0 ? [['head'], ['exception']] : [['head']];
  let best: Tried | null = null;
  let reason = '';
  for (const choice of choices) {
    for (const literal of ['run', 'token'] as const) {
      let wide: DraftSignature;
      try {
        wide = draftSignature(input.group, {
          number: input.number,
          parts: choice,
          seenIn: [],
          roles: input.roles,
          takenIds: input.takenIds,
          id: input.id,
          literal,
        });
      } catch (error) {
        reason = (error as Error).message;
        continue;
      }
      const probe = { ...wide, source: { logs: { roles: wide.source.logs.roles, paths: ANY_PATH } } };
      const tried = { ...(await tryDraft(probe, input)), choice, literal };
      const better = best === null || tried.own > best.own || (tried.own === best.own && otherClaims(tried, input.number) < otherClaims(best, input.number));
      if (better) best = { ...tried, draft: wide };
      // A literal of whole tokens that finds the whole group needs no second try.
      if (tried.own === input.group.count) break;
    }
  }
  if (best === null) throw new UserError(`group ${input.number} cannot be drafted: ${reason}`);
  if (best.own === 0) throw new UserError(`no pattern drafted from group ${input.number} matches its records (template: ${input.group.template})`);
  const draft = draftSignature(input.group, {
    number: input.number,
    parts: best.choice,
    literal: best.literal,
    seenIn: best.files,
    roles: input.roles,
    takenIds: input.takenIds,
    id: best.draft.id,
  });
  return { ...best, draft };
}

function otherClaims(tried: Tried, number: number): number {
  return tried.claimed.filter((c) => c.number !== number).reduce((n, c) => n + c.claimed, 0);
}

async function tryDraft(draft: DraftSignature, input: DraftInput): Promise<Omit<Tried, 'choice' | 'literal'>> {
  const [signature] = parseCatalogText(renderSignatureFile(draft, input.group), '(draft)');
  if (signature === undefined) throw new Error('while drafting: the draft holds no signature');
  const catalog: Catalog = { signatures: [...input.baseline.signatures, signature], origin: new Map([...input.baseline.origin, [signature.id, '(draft)']]) };
  const after = await diagnoseDirectory(input.logs, catalog, input.options);
  const claimed = claimedGroups(input.before.unrecognised.groups, after.unrecognised.groups);
  const [match] = matchesOf(after, catalog, [signature.id]);
  const files = (match?.files ?? []).map((f) => {
    const colon = f.indexOf(':');
    return { node: f.slice(0, colon), file: f.slice(colon + 1) };
  });
  return { draft, claimed, own: claimed.find((c) => c.number === input.number)?.claimed ?? 0, files };
}

/** Roles the logs of the nodes betray (see `inferRoles`); empty when they tell nothing. */
async function rolesOf(logs: string, nodes: readonly string[]): Promise<string[]> {
  const roles = new Set<string>();
  for (const node of nodes) {
    const paths: string[] = [];
    const stack = [''];
    while (stack.length > 0) {
      const rel = stack.pop() as string;
      for (const entry of await readdir(join(logs, node, rel), { withFileTypes: true })) {
        if (entry.isDirectory()) stack.push(`${rel}/${entry.name}`);
        else if (entry.isFile()) paths.push(`${rel}/${entry.name}`);
      }
    }
    for (const role of inferRoles(paths) ?? []) roles.add(role);
  }
  return [...roles].sort();
}

async function test(args: readonly string[], env: EnvOptions, io: SignaturesCliIO): Promise<number> {
  const usage = SIGNATURES_TEST_USAGE;
  const { values, positionals } = parse(
    {
      args: [...args],
      options: { logs: { type: 'string' }, json: { type: 'boolean', default: false }, timezone: { type: 'string' }, ...HELP },
      allowPositionals: true,
      strict: true,
    },
    usage,
  );
  if (values.help) {
    io.out(`Usage: ${usage}`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('stackmedic signatures test takes one signature FILE', `Usage: ${usage}`);
  if (!values.logs) throw new UsageError('stackmedic signatures test needs --logs DIR', `Usage: ${usage}`);
  const file = positionals[0] as string;
  const options: DiagnoseOptions = { zone: zoneOf(values.timezone, env, usage), redact: true };
  let catalogs;
  try {
    catalogs = await loadCandidate(file, env.signaturesDir);
  } catch (error) {
    if (error instanceof CatalogError && error.file === file) {
      io.err(`stackmedic: invalid signature file: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const report = await testSignatures(file, values.logs, catalogs, options);
  io.out(values.json ? JSON.stringify(report, null, 2) : renderSignatureTest(report).replace(/\n$/, ''));
  return 0;
}
