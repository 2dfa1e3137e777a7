import { createHmac } from 'node:crypto';
import { APP_PROJECT_ID } from './fixtures/app-seed.js';

/** The `x-infisical-signature` header Infisical sends for `body` at `timestamp`: `t=<ms>;<hex HMAC-SHA256 of the body>`. */
export function signWebhookBody(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp};${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export const WEBHOOK_SECRET = 'whk-3f9a1c7e5b2d8f4a6c0e9b7d5f3a1c8e';

/** A delivery shaped like Infisical's "general" webhook: body `JSON.stringify({ event, project, timestamp })`, signed. */
export function infisicalWebhook(
  at: number,
  project: { projectId?: string; environment?: string; secretPath?: string } = {},
  secret = WEBHOOK_SECRET,
  event = 'secrets.modified',
): { body: string; signature: string } {
  const projectId = project.projectId ?? APP_PROJECT_ID;
  const payload = {
    event,
    project: {
      workspaceId: projectId,
      projectId,
      projectName: 'app',
      environment: project.environment ?? 'dev',
      environmentName: 'Development',
      secretPath: project.secretPath ?? '/',
      changedBy: 'someone@example.com',
      changedByActorType: 'user',
    },
    timestamp: at,
  };
  const body = JSON.stringify(payload);
  return { body, signature: signWebhookBody(body, secret, at) };
}

/** Posts a delivery as Infisical does; returns the status and body of the answer. */
export async function deliver(url: string, delivery: { body: string; signature?: string }): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (delivery.signature !== undefined) headers['x-infisical-signature'] = delivery.signature;
  const response = await fetch(url, { method: 'POST', headers, body: delivery.body });
  return { status: response.status, body: await response.text() };
}
