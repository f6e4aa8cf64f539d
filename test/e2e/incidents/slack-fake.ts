import nock from 'nock';
import { LogLevel, webApi, type Logger } from '@slack/bolt';
import { SlackPoster } from '../../../src/slack/poster.js';

/** One Web API call the fake Slack answered. */
export interface SlackCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  readonly ts: string;
}

function parseBody(raw: unknown): Record<string, unknown> {
  if (raw && typeof raw === 'object') return raw as Record<string, unknown>;
  const text = typeof raw === 'string' ? raw : '';
  if (text.startsWith('{')) return JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = k === 'blocks' && v.startsWith('[') ? (JSON.parse(v) as unknown) : v;
  return out;
}

/** Every text Slack would show for a message: header, sections, context, button labels. */
export function shownText(call: SlackCall): string {
  const blocks = (call.body.blocks ?? []) as { text?: { text?: string }; elements?: { text?: string | { text?: string }; value?: string }[] }[];
  return blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text?.text))])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/**
 * Slack's Web API faked with nock, strictly: only the calls a test announced with `expect` are
 * answered, each once; anything else is recorded as unexpected (and fails in the client).
 */
export class StrictSlack {
  readonly calls: SlackCall[] = [];
  readonly unexpected: string[] = [];
  readonly logs: string[] = [];
  private ts = 1_700_000_000;
  private readonly onNoMatch = (req: { method?: string; path?: string; href?: string }): void => {
    this.unexpected.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };

  install(): void {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    nock.emitter.on('no match', this.onNoMatch);
  }

  uninstall(): void {
    nock.emitter.off('no match', this.onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** Announces `times` calls of `method`; each is answered like Slack would and recorded. */
  expect(method: 'chat.postMessage' | 'chat.update', times: number): void {
    if (times === 0) return;
    nock('https://slack.com')
      .post(`/api/${method}`)
      .times(times)
      .reply((_uri, raw) => {
        const body = parseBody(raw);
        const ts = method === 'chat.update' ? String(body.ts) : `${++this.ts}.000100`;
        this.calls.push({ method, body, ts });
        return [200, { ok: true, channel: body.channel, ts }, { 'content-type': 'application/json' }];
      });
  }

  /** Announced calls that have not come. */
  pending(): string[] {
    return nock.pendingMocks();
  }

  of(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A poster on a real Web API client (no retries: a refused call shows at once). */
  poster(): SlackPoster {
    const log =
      (level: string) =>
      (...msg: unknown[]): void => {
        this.logs.push(`${level} ${msg.map(String).join(' ')}`);
      };
    const logger: Logger = {
      debug: () => undefined,
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      setLevel: () => undefined,
      getLevel: () => LogLevel.INFO,
      setName: () => undefined,
    };
    return new SlackPoster(new webApi.WebClient('xoxb-incident-e2e', { retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR }), logger);
  }
}
