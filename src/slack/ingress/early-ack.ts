import { limitAck, runningAck } from '../ack-payload.js';
import { checkSlackSignature, REQUEST_WINDOW_SECONDS } from '../signature.js';
import type { EarlyAckKind } from './protocol.js';

/** What the ingress may answer for the main thread, for one signed request. */
export interface EarlyAck {
  readonly kind: EarlyAckKind;
  /** The HTTP body of the ack (`''`: an empty 200, as a button press is acked). */
  readonly body: string;
  /** The command text (slash commands), for the log. */
  readonly command: string;
  /** Where a late answer of the main thread goes (slash commands). */
  readonly responseUrl: string | undefined;
}

/** Signatures this thread has already acked, until their timestamp leaves the window. */
export class AckedSignatures {
  private readonly until = new Map<string, number>();

  /** True the first time `signature` is seen (and it is remembered); false for a replay. */
  first(signature: string, timestamp: number, nowSeconds: number): boolean {
    if (this.until.size > 10_000) for (const [s, t] of this.until) if (t < nowSeconds) this.until.delete(s);
    const known = this.until.get(signature);
    if (known !== undefined && known >= nowSeconds) return false;
    this.until.set(signature, timestamp + REQUEST_WINDOW_SECONDS);
    return true;
  }
}

/**
 * The ack the ingress may send when the main thread is late: only for a request it verified itself
 * (form encoding, timestamp, signature) and has not seen before, and only for the two kinds Slack
 * needs nothing else from: a slash command (`running /cluster status…`, exactly the main thread's
 * words) and a button press (an empty 200). Anything else (a view submission, Slack's checks, a
 * refused request) waits for the main thread, which judges it as before.
 */
export function earlyAckFor(
  headers: { contentType: string | undefined; timestamp: string | undefined; signature: string | undefined },
  body: Buffer,
  secret: string,
  acked: AckedSignatures,
  nowSeconds: number,
): EarlyAck | undefined {
  const verdict = checkSlackSignature({ ...headers, body }, secret, nowSeconds);
  if (verdict === 'ssl_check' || !verdict.ok) return undefined;
  if (!acked.first(headers.signature ?? '', Number(headers.timestamp), nowSeconds)) return undefined;
  const form = new URLSearchParams(body.toString('utf8'));
  const command = form.get('command');
  if (command) {
    const text = `${command} ${form.get('text') ?? ''}`.trim();
    return { kind: 'command', body: JSON.stringify(limitAck(runningAck(text))), command: text, responseUrl: form.get('response_url') ?? undefined };
  }
  const payload = form.get('payload');
  if (payload) {
    try {
      const parsed = JSON.parse(payload) as { type?: unknown };
      if (parsed.type === 'block_actions') return { kind: 'button', body: '', command: '', responseUrl: undefined };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The same JSON, whatever the key order and spacing. */
export function sameJson(a: string, b: string): boolean {
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return a === b;
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
