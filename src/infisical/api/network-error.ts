export type NetworkFailureKind = 'network' | 'tls';

const KNOWN: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server before it answered',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_OVERFLOW: 'answer headers too large',
  HPE_HEADER_OVERFLOW: 'answer headers too large',
};

const TLS: Record<string, string> = {
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed: the server does not speak TLS on that port',
  EPROTO: 'TLS handshake failed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the TLS chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not verifiable (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not verifiable (unknown issuer)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
};

const BAD_PORT =
  'fetch refuses to connect to this port (bad port: a port blocked by the Fetch standard, such as 1, 25 or 6000), ' +
  'nothing was sent; serve Infisical on another port and set siteUrl (INFISICAL_SITE_URL) to it';

/**
 * A transport failure (fetch's `TypeError` with its `cause`, or a `node:http` error with its own `code`) in a few
 * words with its code — `connection refused (ECONNREFUSED)`, `TLS handshake failed: the server does not speak TLS on
 * that port (ERR_SSL_WRONG_VERSION_NUMBER)` — never the library's raw text (OpenSSL messages, stack frames).
 * @internal
 */
export function describeNetworkError(error: unknown): { kind: NetworkFailureKind; detail: string } {
  type Described = { code?: unknown; message?: unknown; cause?: Described } | undefined;
  const cause = (error as Described)?.cause ?? (error as Described);
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : '';
  // fetch reports a plain-HTTP answer to a TLS hello as ERR_SSL_WRONG_VERSION_NUMBER, node:https as EPROTO with
  // OpenSSL's reason in the message: both are named the same.
  if (code === 'EPROTO' || !code || !TLS[code]) {
    if (/wrong version number|ssl3_get_record|packet length too long/i.test(message)) {
      return { kind: 'tls', detail: `${TLS.ERR_SSL_WRONG_VERSION_NUMBER} (ERR_SSL_WRONG_VERSION_NUMBER)` };
    }
    if (/handshake failure/i.test(message)) return { kind: 'tls', detail: `${TLS.EPROTO} (${code ?? 'TLS'})` };
  }
  if (code && TLS[code]) return { kind: 'tls', detail: `${TLS[code]} (${code})` };
  if (code && KNOWN[code]) return { kind: 'network', detail: `${KNOWN[code]} (${code})` };
  if (code?.startsWith('HPE_')) return { kind: 'network', detail: `malformed HTTP answer (${code})` };
  if (code) return { kind: 'network', detail: `network error (${code})` };
  // fetch refuses some ports outright (https://fetch.spec.whatwg.org/#port-blocking: 1, 25, 6000, …) with a cause
  // that has no code, only the message "bad port"; nothing was sent.
  if (/^bad port$/i.test(message)) return { kind: 'network', detail: BAD_PORT };
  return { kind: 'network', detail: 'network error (no error code)' };
}
