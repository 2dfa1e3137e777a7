/**
 * Per-request context: parsed URL/query/body, client IP, reqId, and response helpers that
 * mimic fastify + Infisical's plugins (JSON content type, ETag/304 on GET, error envelope).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { generateReqId, HttpError, internalError } from './errors.js';
import type { IdentityRecord } from './store.js';
import type { RawQuery } from './validation.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export class RequestContext {
  readonly reqId = generateReqId();
  readonly method: string;
  /** Pathname with a trailing slash removed (fastify ignoreTrailingSlash). */
  readonly pathname: string;
  readonly query: RawQuery;
  readonly ip: string;
  params: Record<string, string> = {};
  identity: IdentityRecord | null = null;
  /** Extra headers to put on whatever response is sent (rate-limit headers). */
  readonly extraHeaders: Record<string, string> = {};
  private rawBody: Buffer | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://local.invalid');
    let pathname = url.pathname;
    if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
    this.pathname = pathname;
    const query: RawQuery = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      if (existing === undefined) query[key] = value;
      else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    this.query = query;
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    this.ip = first || req.socket.remoteAddress || 'unknown';
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  /** First value of each query parameter (for the request log). */
  flatQuery(): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.query)) flat[key] = Array.isArray(value) ? value[0]! : value;
    return flat;
  }

  async readBody(): Promise<Buffer> {
    if (this.rawBody) return this.rawBody;
    const chunks: Buffer[] = [];
    for await (const chunk of this.req) chunks.push(chunk as Buffer);
    this.rawBody = Buffer.concat(chunks);
    return this.rawBody;
  }

  /**
   * Parses the body the way fastify's default content-type parsers would. Parser errors
   * (empty JSON body, invalid JSON, unsupported media type) are not Infisical error classes,
   * so Infisical's error handler turns them into 500 "Something went wrong".
   */
  async jsonBody(): Promise<unknown> {
    const raw = await this.readBody();
    const contentType = (this.header('content-type') ?? '').toLowerCase();
    if (raw.length === 0 && !contentType.includes('json')) return undefined;
    if (contentType.includes('application/json') || contentType.includes('+json')) {
      if (raw.length === 0) throw internalError();
      try {
        return JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw internalError();
      }
    }
    if (contentType.startsWith('text/plain')) return raw.toString('utf8');
    throw internalError();
  }

  /** JSON response; GET/HEAD 200 responses get a strong ETag and honour If-None-Match. */
  sendJson(status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const body = JSON.stringify(payload);
    const allHeaders: Record<string, string> = { ...this.extraHeaders, ...headers, 'content-type': JSON_CONTENT_TYPE };
    const isRead = this.method === 'GET' || this.method === 'HEAD';
    if (status === 200 && isRead) {
      const etag = `"${createHash('sha1').update(body).digest('base64')}"`;
      allHeaders['etag'] = etag;
      const ifNoneMatch = this.header('if-none-match');
      if (ifNoneMatch && (ifNoneMatch === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) {
        delete allHeaders['content-type'];
        this.res.writeHead(304, allHeaders);
        this.res.end();
        return;
      }
    }
    allHeaders['content-length'] = String(Buffer.byteLength(body));
    this.res.writeHead(status, allHeaders);
    this.res.end(this.method === 'HEAD' ? undefined : body);
  }

  sendError(err: unknown): void {
    const httpError = err instanceof HttpError ? err : internalError();
    this.sendJson(httpError.statusCode, httpError.toEnvelope(this.reqId), httpError.headers);
  }

  sendText(status: number, contentType: string, body: string): void {
    this.res.writeHead(status, { ...this.extraHeaders, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) });
    this.res.end(body);
  }
}
