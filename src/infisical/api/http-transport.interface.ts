/**
 * What the HTTP client asks of a transport (`fetch` or `node:http`): one request out, status and headers back, the
 * body streamed afterwards. The transports implement it; the client and the choice between them depend on it alone.
 */

/** One request as a transport sends it: headers final, body already serialised, redirects never followed. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** What a transport hands back once the status line and headers have arrived; the body is read afterwards. */
export interface TransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** The (decoded) body, chunk by chunk; iterating it fails when the connection breaks. */
  body: AsyncIterable<Uint8Array>;
  /** Drops the body unread and frees the connection. */
  discard(): void;
}

/** Sends one request; rejects with the underlying error (its `code`, or its `cause`'s, names a network failure). */
export type HttpTransport = (request: TransportRequest) => Promise<TransportResponse>;
