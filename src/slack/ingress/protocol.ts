/** What the Slack ingress thread is started with (its workerData). */
export interface IngressConfig {
  /** Where Slack's requests arrive (PORT, STACKMEDIC_HTTP_HOST). */
  readonly host: string | undefined;
  readonly port: number;
  /** Bolt's HTTP receiver in the main thread, on 127.0.0.1. */
  readonly upstreamPort: number;
  /** The path Slack posts commands and interactions to. */
  readonly eventsPath: string;
  readonly signingSecret: string;
  /** How long the main thread may take to ack before the ingress acks for it. */
  readonly ackWaitMs: number;
  /** Largest body read (Bolt's own limit). */
  readonly bodyLimit: number;
  /** How long any request may wait for the main thread in all (then 504). */
  readonly forwardTimeoutMs: number;
}

/** The kinds of request the ingress may ack itself. */
export type EarlyAckKind = 'command' | 'button';

/** Messages from the ingress thread to the main thread. */
export type FromIngress =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly text: string }
  /** The ingress acked for a busy main thread, `ms` after the request arrived. */
  | { readonly type: 'early-ack'; readonly kind: EarlyAckKind; readonly ms: number }
  /** The main thread's own ack came after the ingress had acked, and says more: it goes to the response_url. */
  | { readonly type: 'late-answer'; readonly responseUrl: string; readonly body: string; readonly command: string }
  | { readonly type: 'stopped' };

/** Messages from the main thread to the ingress thread. */
export type ToIngress = { readonly type: 'stop'; readonly graceMs: number };
