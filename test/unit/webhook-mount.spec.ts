import { describe, expect, it } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import { Readable } from 'node:stream';
import { MAX_WEBHOOK_BODY_BYTES } from '../../src/infisical/infisical.defaults.js';
import type { WebhookReceiver } from '../../src/infisical/webhook/attach-webhook.js';
import type { WebhookDelivery, WebhookHandler, WebhookReply } from '../../src/infisical/webhook/webhook.handler.js';
import { InfisicalWebhookMount } from '../../src/infisical/webhook/webhook.mount.js';

type Route = (request: unknown, response: unknown) => Promise<void>;

/** An HTTP adapter that records routes and answers, and a handler that records deliveries and answers `reply`. */
function setup(reply: WebhookReply = { status: 200, body: '{"received":true}' }, path = '/webhooks/infisical') {
  const routes = new Map<string, Route>();
  const headers: Array<[unknown, string, string]> = [];
  const replies: Array<[unknown, unknown, number]> = [];
  const adapter = {
    post: (p: string, route: Route) => void routes.set(p, route),
    setHeader: (response: unknown, name: string, value: string) => void headers.push([response, name, value]),
    reply: (response: unknown, body: unknown, status: number) => void replies.push([response, body, status]),
  };
  const deliveries: WebhookDelivery[] = [];
  const handler = { handle: (delivery: WebhookDelivery) => (deliveries.push(delivery), reply) } as unknown as WebhookHandler;
  const receiver: WebhookReceiver = { path, handler };
  const mount = (r: WebhookReceiver | null = receiver, host: unknown = { httpAdapter: adapter }) => new InfisicalWebhookMount(r, host as HttpAdapterHost).onModuleInit();
  /** Posts `request` to the mounted route; returns the delivery the handler saw. */
  const post = async (request: object) => {
    await routes.get(path)!(request, 'response');
    return deliveries.at(-1)!;
  };
  return { routes, headers, replies, deliveries, mount, post };
}

const SIGNATURE = `t=1;${'ab'.repeat(32)}`;
const JSON_BODY = '{"event":"secrets.modified","timestamp":1}';
const stream = (chunks: Buffer[], headers: object = { 'x-infisical-signature': SIGNATURE }) => Object.assign(Readable.from(chunks), { headers });

describe('InfisicalWebhookMount', () => {
  it('mounts POST <path> when the registration has a receiver and the application an HTTP adapter', () => {
    const { routes, mount } = setup(undefined, '/hooks/x');
    mount();
    expect([...routes.keys()]).toEqual(['/hooks/x']);
  });

  it('mounts nothing without a receiver, without an HTTP adapter (application context) or without the adapter host', () => {
    const { routes, mount } = setup();
    mount(null);
    expect(() => mount(undefined, { httpAdapter: undefined })).not.toThrow();
    expect(() => mount(undefined, null)).not.toThrow();
    expect(routes.size).toBe(0);
  });

  it('hands the handler the signature header and the raw body; answers its reply as JSON', async () => {
    const { mount, post, headers, replies } = setup();
    mount();
    const delivery = await post({ headers: { 'x-infisical-signature': SIGNATURE }, rawBody: Buffer.from(JSON_BODY), body: { other: true } });
    expect(delivery).toEqual({ signature: SIGNATURE, body: JSON_BODY });
    expect(headers).toEqual([['response', 'content-type', 'application/json']]);
    expect(replies).toEqual([['response', '{"received":true}', 200]]);
  });

  it('answers a refusal as plain text with its status', async () => {
    const { mount, post, headers, replies } = setup({ status: 401, body: 'Unauthorized' });
    mount();
    await post({ headers: {}, body: JSON_BODY });
    expect(headers).toEqual([['response', 'content-type', 'text/plain; charset=utf-8']]);
    expect(replies).toEqual([['response', 'Unauthorized', 401]]);
  });

  it('a missing or repeated signature header reaches the handler as no signature', async () => {
    const { mount, post } = setup();
    mount();
    expect((await post({ headers: {}, body: JSON_BODY })).signature).toBeUndefined();
    expect((await post({ headers: { 'x-infisical-signature': [SIGNATURE, SIGNATURE] }, body: JSON_BODY })).signature).toBeUndefined();
  });

  it.each([
    ['a raw body string', { rawBody: JSON_BODY, body: { other: true } }, JSON_BODY],
    ['a body Buffer (text body parser)', { body: Buffer.from('{"a":"é"}') }, '{"a":"é"}'],
    ['a body string', { body: JSON_BODY }, JSON_BODY],
    ['a parsed JSON body, serialized again', { rawBody: undefined, body: { event: 'secrets.modified', timestamp: 1 } }, JSON_BODY],
    ['a raw body that is neither text nor bytes', { rawBody: 42, body: JSON_BODY }, JSON_BODY],
    ['no body at all', {}, ''],
    ['a null body', { body: null }, ''],
    ['a request that claims to be readable but is no stream', { readable: true }, ''],
  ])('reads %s', async (_name, fields, body) => {
    const { mount, post } = setup();
    mount();
    expect(await post({ headers: { 'x-infisical-signature': SIGNATURE }, ...fields })).toEqual({ signature: SIGNATURE, body });
  });

  it('reads the unread request stream when no body parser ran', async () => {
    const { mount, post } = setup();
    mount();
    const delivery = await post(stream([Buffer.from('{"event":'), Buffer.from('"secrets.modified"}')]));
    expect(delivery).toEqual({ signature: SIGNATURE, body: '{"event":"secrets.modified"}' });
  });

  it(`reads a stream of up to ${MAX_WEBHOOK_BODY_BYTES} bytes; a longer one reaches the handler as an empty body`, async () => {
    const { mount, post } = setup();
    mount();
    const half = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES / 2, 'a');
    expect((await post(stream([half, half]))).body).toHaveLength(MAX_WEBHOOK_BODY_BYTES);
    expect((await post(stream([half, half, Buffer.from('a')]))).body).toBe('');
  });

  it('a stream already read or closed reaches the handler as an empty body', async () => {
    const { mount, post } = setup();
    mount();
    const closed = stream([Buffer.from(JSON_BODY)]);
    closed.destroy();
    expect((await post(closed)).body).toBe('');
  });
});
