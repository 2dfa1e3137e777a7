import { describe, expect, it } from '@jest/globals';
import { infisicalOptionsFromEnv } from '../../src/infisical/index.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import { concernsSources, parseWebhookEvent } from '../../src/infisical/webhook/webhook-event.js';

const base = { projectId: 'p1', environment: 'prod', secretPath: '/app' };
const event = (secretPath?: string, extra: Record<string, unknown> = {}) =>
  parseWebhookEvent({ event: 'secrets.modified', project: { workspaceId: 'p1', environment: 'prod', secretPath, ...extra }, timestamp: 1 })!;

describe('webhook parts', () => {
  it('reads projectId or the older workspaceId; anything else is not an event', () => {
    expect(event('/app')).toEqual({ event: 'secrets.modified', projectId: 'p1', environment: 'prod', secretPath: '/app' });
    expect(parseWebhookEvent({ event: 'x' })).toBeUndefined();
    expect(parseWebhookEvent('text')).toBeUndefined();
  });

  it('prefers projectId to workspaceId; a folder that is not text is no folder', () => {
    expect(parseWebhookEvent({ event: 'e', project: { projectId: 'new', workspaceId: 'old', environment: 'dev' } })).toEqual({
      event: 'e',
      projectId: 'new',
      environment: 'dev',
      secretPath: undefined,
    });
    expect(event(7 as never)).toMatchObject({ secretPath: undefined });
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an event that is not text', { event: 1, project: { projectId: 'p1', environment: 'prod' } }],
    ['no project', { event: 'secrets.modified' }],
    ['a null project', { event: 'secrets.modified', project: null }],
    ['a project that is text', { event: 'secrets.modified', project: 'p1' }],
    ['a project without an id', { event: 'secrets.modified', project: { environment: 'prod' } }],
    ['a project id that is not text', { event: 'secrets.modified', project: { projectId: 1, environment: 'prod' } }],
    ['no environment', { event: 'secrets.modified', project: { projectId: 'p1' } }],
    ['an environment that is not text', { event: 'secrets.modified', project: { projectId: 'p1', environment: ['prod'] } }],
  ])('%s is not an event', (_name, body) => {
    expect(parseWebhookEvent(body)).toBeUndefined();
  });

  it('concerns only the same project and the same environment', () => {
    expect(concernsSources({ ...event('/app'), projectId: 'p2' }, [base])).toBe(false);
    expect(concernsSources({ ...event('/app'), environment: 'dev' }, [base])).toBe(false);
    expect(concernsSources({ ...event(undefined), projectId: 'p2' }, [base])).toBe(false);
    expect(concernsSources(event('/app'), [])).toBe(false);
  });

  it('compares folders without their trailing slashes; the root stays the root', () => {
    expect(concernsSources(event('/app//'), [base])).toBe(true);
    expect(concernsSources(event('/app'), [{ ...base, secretPath: '/app/' }])).toBe(true);
    expect(concernsSources(event('/'), [{ ...base, secretPath: '/' }])).toBe(true);
    expect(concernsSources(event('//'), [{ ...base, secretPath: '/' }])).toBe(true);
    expect(concernsSources(event(''), [{ ...base, secretPath: '/' }])).toBe(true);
    expect(concernsSources(event('/'), [{ ...base, secretPath: '/', recursive: true }])).toBe(true);
    expect(concernsSources(event('/'), [base])).toBe(false);
    expect(concernsSources(event('/app'), [{ ...base, secretPath: '/' }])).toBe(false);
    expect(concernsSources(event('/apps'), [{ ...base, secretPath: '/app/' }])).toBe(false);
    expect(concernsSources(event('/x/app'), [base])).toBe(false);
  });

  it('a recursive source at the root concerns every folder; a recursive source elsewhere its own subtree only', () => {
    expect(concernsSources(event('/any/where'), [{ ...base, secretPath: '/', recursive: true }])).toBe(true);
    expect(concernsSources(event('/app/a/b/'), [{ ...base, recursive: true }])).toBe(true);
    expect(concernsSources(event('/'), [{ ...base, recursive: true }])).toBe(false);
    expect(concernsSources(event('/x/app/sub'), [{ ...base, recursive: true }])).toBe(false);
  });

  it('concerns a source in the same project and environment: its folder, or below it when recursive', () => {
    expect(concernsSources(event('/app'), [base])).toBe(true);
    expect(concernsSources(event('/app/'), [base])).toBe(true);
    expect(concernsSources(event(undefined), [base])).toBe(true);
    expect(concernsSources(event('/app/sub'), [base])).toBe(false);
    expect(concernsSources(event('/app/sub'), [{ ...base, recursive: true }])).toBe(true);
    expect(concernsSources(event('/application'), [{ ...base, recursive: true }])).toBe(false);
    expect(concernsSources(event('/other'), [base, { ...base, secretPath: '/other' }])).toBe(true);
    const rotationFailed = { ...event('/app'), event: 'secrets.rotation-failed' };
    expect(concernsSources(rotationFailed, [base])).toBe(false);
  });

  it('INFISICAL_WEBHOOK_SECRET turns the receiver on at the default path; a bad path is named', () => {
    const env = { INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', INFISICAL_CLIENT_SECRET: 'secret', INFISICAL_PROJECT_ID: 'p1', INFISICAL_ENVIRONMENT: 'prod' };
    const options = infisicalOptionsFromEnv({ ...env, INFISICAL_WEBHOOK_SECRET: 'whk' });
    expect(resolveInfisicalOptions(options).webhook).toEqual({ secret: 'whk', path: '/webhooks/infisical' });
    expect(resolveInfisicalOptions(infisicalOptionsFromEnv(env)).webhook).toBeUndefined();
    expect(() => resolveInfisicalOptions({ ...options, webhook: { secret: 'whk', path: 'no-slash' } })).toThrow(/webhook\.path/);
    expect(() => resolveInfisicalOptions({ ...options, webhook: {} as never })).toThrow(/webhook\.secret.*INFISICAL_WEBHOOK_SECRET/);
  });
});
