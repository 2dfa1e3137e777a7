// Configuration schemas for `verify-infisical --schema test/app-schema.js#<Name>`: Standard Schemas
// (https://standardschema.dev) that require the named keys. CommonJS, like the rest of this application.
const requiring = (...keys) => ({
  '~standard': {
    version: 1,
    vendor: 'nest11-consumer',
    validate(config) {
      const missing = keys.filter((key) => config[key] === undefined);
      return missing.length ? { issues: missing.map((key) => ({ message: 'is required', path: [key] })) } : { value: config };
    },
  },
});

exports.AppSchema = requiring('APP_GREETING');
exports.StrictSchema = requiring('APP_GREETING', 'STRIPE_API_KEY');
