import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Readable } from 'node:stream';
import { INFISICAL_WEBHOOK } from '../infisical.constants.js';
import { MAX_WEBHOOK_BODY_BYTES } from '../infisical.defaults.js';
import type { WebhookReceiver } from './attach-webhook.js';
import type { WebhookDelivery } from './webhook.handler.js';

interface IncomingDelivery {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: unknown;
}

/** The part of Nest's HTTP adapter (Express or Fastify) the mount uses. */
type RouteAdapter = Pick<NonNullable<HttpAdapterHost['httpAdapter']>, 'post' | 'setHeader' | 'reply'>;

/**
 * Mounts the webhook receiver as `POST <path>` on the application's HTTP adapter (Express or Fastify) when the
 * `webhook` option is set. Registered before Nest's not-found handler, so it answers like any route.
 */
@Injectable()
export class InfisicalWebhookMount implements OnModuleInit {
  constructor(
    @Inject(INFISICAL_WEBHOOK) private readonly webhook: WebhookReceiver | null,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const webhook = this.webhook;
    const adapter: RouteAdapter | undefined = this.adapterHost?.httpAdapter;
    if (!webhook || !adapter) return;
    adapter.post(webhook.path, async (request: IncomingDelivery, response: unknown) => {
      const body = await bodyText(request);
      const header = request.headers['x-infisical-signature'];
      const delivery: WebhookDelivery = { signature: typeof header === 'string' ? header : undefined, body: body ?? '' };
      const reply = webhook.handler.handle(delivery);
      adapter.setHeader(response, 'content-type', reply.status === 200 ? 'application/json' : 'text/plain; charset=utf-8');
      adapter.reply(response, reply.body, reply.status);
    });
  }
}

/**
 * The body as Infisical signed it: the raw bytes when the application keeps them (`rawBody: true`), else the parsed
 * JSON serialized again (Infisical signs `JSON.stringify(payload)`, which parsing and serializing reproduce), else
 * the unread stream (body parser off).
 */
async function bodyText(request: IncomingDelivery): Promise<string | undefined> {
  for (const candidate of [request.rawBody, request.body]) {
    if (Buffer.isBuffer(candidate)) return candidate.toString('utf8');
    if (typeof candidate === 'string') return candidate;
  }
  if (typeof request.body === 'object' && request.body !== null) return JSON.stringify(request.body);
  const stream = request as unknown as Readable;
  if (typeof stream.read !== 'function' || !stream.readable) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
