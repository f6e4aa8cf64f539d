import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { SlackBlock } from '../router/types.js';
import { humanDuration } from './duration.js';
import { humanBytes } from './bytes.js';

export { humanBytes } from './bytes.js';

const hb = Handlebars.create();
hb.registerHelper('plural', (n: unknown, word: unknown) => `${String(n)} ${String(word)}${n === 1 ? '' : 's'}`);
hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : ''));
hb.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
hb.registerHelper('duration', (seconds: unknown) => humanDuration(Number(seconds)));
hb.registerHelper('bytes', (n: unknown) => humanBytes(Number(n)));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hb.registerHelper('time', (iso: unknown) => (typeof iso === 'string' && iso.length >= 19 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : String(iso ?? '')));
hb.registerHelper('pad', (s: unknown, width: unknown) => String(s ?? '').padEnd(Number(width)));

const cache = new Map<string, Handlebars.TemplateDelegate>();

function compiled(name: string): Handlebars.TemplateDelegate {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(join(packageRoot(), 'templates', `${name}.hbs`), 'utf8');
    template = hb.compile(source, { noEscape: true, strict: false });
    cache.set(name, template);
  }
  return template;
}

/** Renders `templates/<name>.hbs` with `data`. Templates are compiled once and cached. */
export function renderTemplate(name: string, data: object): string {
  return compiled(name)(data)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Compiles every template now; returns how many. `serve` calls it before it listens: a template
 * compiled on its first render blocks the event loop for tens of milliseconds (hundreds on a busy
 * machine) while Slack requests wait for their ack.
 */
export function precompileTemplates(): number {
  const names = readdirSync(join(packageRoot(), 'templates'))
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => f.slice(0, -'.hbs'.length));
  for (const name of names) {
    const template = compiled(name);
    // Handlebars compiles on the first call, so one render of an empty view does it.
    try {
      template({});
    } catch {
      // A helper may refuse the empty view; the template is compiled by then all the same.
    }
  }
  return names.length;
}

const SECTION_LIMIT = 2900;

/**
 * Turns a mrkdwn template output into Block Kit: `## Title` lines become header blocks, `---`
 * lines dividers, `> ctx` lines at the end of a part context blocks, everything else sections
 * (split under Slack's 3000-character limit on line boundaries).
 */
export function mrkdwnToBlocks(text: string): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let buffer: string[] = [];
  const flush = (): void => {
    const body = buffer.join('\n').trim();
    buffer = [];
    if (!body) return;
    let chunk = '';
    for (const line of body.split('\n')) {
      const piece = line.length > SECTION_LIMIT ? `${line.slice(0, SECTION_LIMIT - 1)}…` : line;
      if (chunk.length + piece.length + 1 > SECTION_LIMIT) {
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
        chunk = '';
      }
      chunk = chunk ? `${chunk}\n${piece}` : piece;
    }
    if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) {
      flush();
      blocks.push({ type: 'header', text: { type: 'plain_text', text: line.slice(3, 150), emoji: true } });
    } else if (line.trim() === '---') {
      flush();
      blocks.push({ type: 'divider' });
    } else if (line.startsWith('>> ')) {
      flush();
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: line.slice(3, 3000) }] });
    } else {
      buffer.push(line);
    }
  }
  flush();
  return blocks;
}
