/**
 * Secrets given to commands on their command line, as they show up in `ps` output, shell history,
 * audit logs and runbook traces: `sshpass -p x`, `mysql -px`, `curl -u user:x`, `ipmitool -P x`,
 * `redis-cli -a x`, `docker login -p x`, `erl -setcookie x`, `rabbitmqctl add_user u x`,
 * `htpasswd -b file u x`, `echo u:x | chpasswd`, `echo x | passwd --stdin u`, and SQL
 * `IDENTIFIED BY 'x'` / `PASSWORD('x')`.
 */
import type { SpanList } from './spans.js';
import { isPlaceholder, LineEnds, readValue } from './values.js';

/** A command whose flag takes a password: attached (`-pX`), after a blank (`-P X`), or both. */
interface FlagRule {
  readonly command: RegExp;
  readonly flag: RegExp;
}

// Each `command` regex runs to the end of its line, so flags are only looked for on that line and
// the next command is searched after it: one pass over the text.
const FLAG_RULES: readonly FlagRule[] = [
  { command: /(?<![\w-])sshpass\b[^\n]*/g, flag: /(?<=\s)-p[ \t]*(?=\S)/g },
  { command: /(?<![\w-])(?:mysql|mysqldump|mysqladmin|mysqlcheck|mysqlshow|mysqlimport|mariadb(?:-dump|-admin)?)\b[^\n]*/g, flag: /(?<=\s)-p(?=[^\s-])/g },
  { command: /(?<![\w-])ipmitool\b[^\n]*/g, flag: /(?<=\s)-P[ \t]*(?=\S)/g },
  { command: /(?<![\w-])redis-cli\b[^\n]*/g, flag: /(?<=\s)-a[ \t]+(?=\S)/g },
  { command: /(?<![\w-])docker[ \t]+login\b[^\n]*/g, flag: /(?<=\s)-p[ \t]+(?=\S)/g },
];

/** Forms where the secret starts right where the regex match ends. */
const VALUE_AFTER: readonly RegExp[] = [
  /\bIDENTIFIED[ \t]+(?:WITH[ \t]+\w+[ \t]+)?BY[ \t]+(?:PASSWORD[ \t]+)?/gi,
  /\bPASSWORD[ \t]*\([ \t]*/gi,
  /(?<![\w-])-setcookie[ \t]+/g,
  /\b(?:add_user|change_password|authenticate_user)[ \t]+(?:"[^"\n]*"|'[^'\n]*'|[^\s"']+)[ \t]+/g,
  /(?<![\w-])htpasswd[ \t]+-[a-zA-Z]*b[a-zA-Z]*[ \t]+(?:-[a-zA-Z]+[ \t]+)?[^\s-]\S*[ \t]+\S+[ \t]+/g,
];

/** `-u user:password` (curl, wget): the part after the first colon. */
const USER_OPTION = /(?<![\w-])(?:-u[ \t]*|--user[= \t][ \t]*|--proxy-user[= \t][ \t]*)(?=\S)/g;
/** `user:password | chpasswd`. */
const CHPASSWD = /(?<![^\s'"])(["']?)[\w.-]+:([^\s'":|]+)\1[ \t]*\|[ \t]*(?:sudo[ \t]+)?chpasswd\b/dg;
/** `echo password | passwd --stdin user`. */
const PASSWD_STDIN = /\becho[ \t]+(?:-[a-z]+[ \t]+)?(["']?)([^\s'"|]+)\1[ \t]*\|[ \t]*(?:sudo[ \t]+)?passwd\b/dg;

/** Adds the command-line secrets in `text` to `spans`. */
export function findCommandSecrets(text: string, spans: SpanList): void {
  const lines = new LineEnds(text);
  for (const rule of FLAG_RULES) {
    const command = new RegExp(rule.command.source, rule.command.flags);
    let m: RegExpExecArray | null;
    while ((m = command.exec(text)) !== null) {
      // Flags are looked for in this line only, so each line is read once per rule.
      const flag = new RegExp(rule.flag.source, 'g');
      let f: RegExpExecArray | null;
      while ((f = flag.exec(m[0])) !== null) addValue(text, m.index + f.index + f[0].length, spans, lines);
    }
  }
  for (const form of VALUE_AFTER) {
    const re = new RegExp(form.source, form.flags);
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) addValue(text, m.index + m[0].length, spans, lines);
  }
  const user = new RegExp(USER_OPTION.source, USER_OPTION.flags);
  let m: RegExpExecArray | null;
  while ((m = user.exec(text)) !== null) {
    const value = readValue(text, m.index + m[0].length, lines);
    if (value === null) continue;
    const colon = text.indexOf(':', value.start);
    if (colon >= 0 && colon < value.end) addRange(text, colon + 1, value.end, spans);
    user.lastIndex = Math.max(user.lastIndex, value.end);
  }
  for (const form of [CHPASSWD, PASSWD_STDIN]) {
    const re = new RegExp(form.source, form.flags);
    while ((m = re.exec(text)) !== null) {
      const at = m.indices?.[2];
      if (at) addRange(text, at[0], at[1], spans);
    }
  }
}

function addValue(text: string, pos: number, spans: SpanList, lines: LineEnds): void {
  const value = readValue(text, pos, lines);
  if (value) addRange(text, value.start, value.end, spans);
}

function addRange(text: string, start: number, end: number, spans: SpanList): void {
  if (!isPlaceholder(text.slice(start, end))) spans.add(start, end);
}
