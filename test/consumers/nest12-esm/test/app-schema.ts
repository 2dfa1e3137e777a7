import type { StandardSchemaV1 } from 'nestjs-infisical';

// Configuration schemas for `verify-infisical --schema dist/test/app-schema.js#<Name>`: Standard Schemas
// (https://standardschema.dev) that require the named keys. An ES module, like the rest of this application.
const requiring = (...keys: string[]): StandardSchemaV1<Record<string, unknown>> => ({
  '~standard': {
    version: 1,
    vendor: 'nest12-consumer',
    validate(value) {
      const config = value as Record<string, unknown>;
      const missing = keys.filter((key) => config[key] === undefined);
      return missing.length ? { issues: missing.map((key) => ({ message: 'is required', path: [key] })) } : { value: config };
    },
  },
});

export const AppSchema = requiring('APP_GREETING');
export const StrictSchema = requiring('APP_GREETING', 'STRIPE_API_KEY');
