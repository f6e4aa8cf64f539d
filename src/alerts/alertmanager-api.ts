/**
 * The part of Alertmanager's API v2 stackmedic uses: create a silence, read it back.
 * https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
 */

/** An equality matcher on one label (a group's silence matches exactly what it grouped by). */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
}

/** A silence as Alertmanager returns it. */
export interface Silence {
  readonly id: string;
  readonly state: 'active' | 'pending' | 'expired' | string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly matchers: readonly { readonly name: string; readonly value: string; readonly isRegex: boolean; readonly isEqual?: boolean }[];
}

/** Alertmanager refused or could not be reached. */
export class AlertmanagerApiError extends Error {
  override readonly name = 'AlertmanagerApiError';
}

/** Fetch, as the client uses it (tests pass their own). */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** A client of one Alertmanager. */
export class AlertmanagerApi {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: { readonly fetch?: FetchFn; readonly timeoutMs?: number } = {},
  ) {
    this.base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  /** Where it is, for messages. */
  get url(): string {
    return this.base;
  }

  /** Creates a silence; returns its id. */
  async createSilence(silence: {
    readonly matchers: readonly SilenceMatcher[];
    readonly startsAt: Date;
    readonly endsAt: Date;
    readonly createdBy: string;
    readonly comment: string;
  }): Promise<string> {
    const body = {
      matchers: silence.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: false, isEqual: true })),
      startsAt: silence.startsAt.toISOString(),
      endsAt: silence.endsAt.toISOString(),
      createdBy: silence.createdBy,
      comment: silence.comment,
    };
    const json = (await this.call('POST', 'api/v2/silences', body)) as { silenceID?: unknown } | null;
    if (typeof json?.silenceID !== 'string') throw new AlertmanagerApiError(`Alertmanager at ${this.base} answered without a silenceID`);
    return json.silenceID;
  }

  /** One silence, or `undefined` when Alertmanager does not know it. */
  async silence(id: string): Promise<Silence | undefined> {
    try {
      const s = (await this.call('GET', `api/v2/silence/${encodeURIComponent(id)}`)) as {
        id: string;
        status?: { state?: string };
        startsAt: string;
        endsAt: string;
        createdBy: string;
        comment: string;
        matchers: Silence['matchers'];
      };
      return {
        id: s.id,
        state: s.status?.state ?? 'unknown',
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        createdBy: s.createdBy,
        comment: s.comment,
        matchers: s.matchers,
      };
    } catch (error) {
      if (error instanceof AlertmanagerApiError && /answered 404/.test(error.message)) return undefined;
      throw error;
    }
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const fetchFn: FetchFn = this.options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    const url = new URL(path, this.base).toString();
    let res: Response;
    try {
      res = await fetchFn(url, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new AlertmanagerApiError(`while calling Alertmanager at ${this.base}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = await res.text();
    if (!res.ok) throw new AlertmanagerApiError(`Alertmanager at ${this.base} answered ${res.status}: ${text.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
    try {
      return text ? (JSON.parse(text) as unknown) : null;
    } catch {
      throw new AlertmanagerApiError(`Alertmanager at ${this.base} answered ${res.status} with something that is not JSON`);
    }
  }
}
