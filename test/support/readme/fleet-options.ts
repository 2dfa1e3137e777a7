// Every instance: the same Redis (e.g. Memorystore over a VPC connector) and the same identity; npm install redis
export const fleetOptions = (redisUrl: string) => ({
  fleet: { redisUrl }, // or set INFISICAL_REDIS_URL with infisicalOptionsFromEnv
});
