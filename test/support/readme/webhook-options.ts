// Infisical: Project Settings → Webhooks → Create, type "General", URL https://<your-service>/webhooks/infisical,
// environment and folder as read by the application, and a secret key (the same value as below).
export const webhookOptions = (secret: string) => ({
  webhook: { secret, path: '/webhooks/infisical' }, // or set INFISICAL_WEBHOOK_SECRET with infisicalOptionsFromEnv
});
