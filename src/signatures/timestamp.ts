/**
 * Timestamps of the log formats an OpenStack controller writes, read from a record's first line.
 * Formats without an offset are wall-clock times in the node's zone, which the operator
 * configures (`UTC` by default); formats with an offset (`+00:00`, `+0200`, `Z`) are exact.
 */

/** How to read times that carry no zone or year. */
export interface TimestampOptions {
  /** IANA zone (`Asia/Shanghai`) or fixed offset (`+08:00`) of wall-clock times. Default `UTC`. */
  readonly zone?: string;
  /**
   * Year for syslog lines (`Feb 14 05:49:45`), which have none. Default: the current UTC year, or
   * the one before for a date that would still be more than a day ahead.
   */
  readonly referenceYear?: number;
}

const DAY_MS = 86_400_000;

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

/** `=INFO REPORT==== 14-Feb-2017::05:49:45 ===` (RabbitMQ before 3.7). */
const ERLANG_REPORT = /^=[A-Z]+ REPORT==== (\d{1,2})-([A-Z][a-z]{2})-(\d{4})::(\d{2}):(\d{2}):(\d{2})/;
/** ISO 8601 and its space-separated cousins: oslo.log, RabbitMQ 3.7+, ceph, the seed's tab format. */
const ISO_LIKE = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?(?![\d:])/;
/** `Feb 14 05:49:45` (syslog, journald's short format). */
const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?!\d)/;
/** `160609 10:59:52` (MySQL/MariaDB before 10.1, Galera's error log). */
const MYSQL_SHORT = /^(\d{2})(\d{2})(\d{2}) {1,2}(\d{1,2}):(\d{2}):(\d{2})(?!\d)/;

/** Where to look for an ISO time: far enough for journald and file-name prefixes, not the message. */
const ISO_SEARCH_WINDOW = 120;

/**
 * The UTC instant (epoch ms) of the line's timestamp, or `null` when the line has none of the
 * known formats.
 */
export function parseLogTimestamp(line: string, options: TimestampOptions = {}): number | null {
  const zone = options.zone ?? 'UTC';
  let m = ERLANG_REPORT.exec(line);
  if (m) {
    const month = MONTHS[m[2] as string];
    if (month === undefined) return null;
    return wallClock(zone, Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
  }
  m = ISO_LIKE.exec(line.length > ISO_SEARCH_WINDOW ? line.slice(0, ISO_SEARCH_WINDOW) : line);
  if (m) {
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    const fields = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms] as const;
    if (!validDate(fields[1], fields[2], fields[3], fields[4], fields[5])) return null;
    if (m[8]) return Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms) - offsetMs(m[8]);
    return wallClock(zone, ...fields);
  }
  m = SYSLOG.exec(line);
  if (m) {
    const month = MONTHS[m[1] as string];
    if (month === undefined) return null;
    const [day, hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    const at = (year: number): number => wallClock(zone, year, month, day, hour, minute, second, 0);
    if (options.referenceYear !== undefined) return at(options.referenceYear);
    // Without a year to go by, this year; but a line is never from the future: "Dec 30" read in
    // January was written last year.
    const now = Date.now();
    const year = new Date(now).getUTCFullYear();
    const thisYear = at(year);
    return thisYear > now + DAY_MS ? at(year - 1) : thisYear;
  }
  m = MYSQL_SHORT.exec(line);
  if (m) {
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (!validDate(month, day, Number(m[4]), Number(m[5]), Number(m[6]))) return null;
    return wallClock(zone, 2000 + Number(m[1]), month, day, Number(m[4]), Number(m[5]), Number(m[6]), 0);
  }
  return null;
}

/** ISO 8601 (UTC, `Z`) of the line's timestamp, or `null`. */
export function logTimestampIso(line: string, options: TimestampOptions = {}): string | null {
  const ms = parseLogTimestamp(line, options);
  return ms === null ? null : new Date(ms).toISOString();
}

function validDate(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

function offsetMs(offset: string): number {
  if (offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** UTC epoch ms of a wall-clock time in `zone` (an IANA name or a fixed `+hh:mm` offset). */
export function wallClock(zone: string, year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === 'UTC' || zone === 'Z') return asUtc;
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return asUtc - offsetMs(zone);
  // The zone's offset depends on the instant; two passes settle it except inside a DST gap.
  const first = asUtc - zoneOffsetMs(zone, asUtc);
  return asUtc - zoneOffsetMs(zone, first);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffsetMs(zone: string, instant: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const local = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return local - (instant - (((instant % 1000) + 1000) % 1000));
}

/** True when `zone` is usable (`UTC`, a fixed offset, or an IANA zone this runtime knows). */
export function isValidZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || /^[+-]\d{2}:?\d{2}$/.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
