/** Node's network error codes in operators' words, for "node-10 is unreachable: ..." lines. */
export const NETWORK_ERROR_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is sshd running?)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'address not found',
  EAI_AGAIN: 'address lookup failed',
  ECONNRESET: 'connection reset',
};
