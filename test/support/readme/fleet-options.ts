// Every instance: the same Redis (e.g. Memorystore over a VPC connector), the same identity and the same fleet key
// (>= 32 random bytes from the platform's secret store, never a login credential); npm install redis
export const fleetOptions = (redisUrl: string, key: string) => ({
  fleet: { redisUrl, key }, // or set INFISICAL_REDIS_URL and INFISICAL_FLEET_KEY with infisicalOptionsFromEnv
});
