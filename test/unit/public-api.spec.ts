import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const ENTRY = 'src/infisical/index.ts';
/**
 * The budget of the main entry: what an application writes, nothing internal. Types a user can name from an exported
 * one (`InfisicalStatus['state']`, `Parameters<SecretStore['onChange']>[0]`) are not exported on their own.
 */
const MAX_EXPORTED_NAMES = 60;

/** Every name the main entry exports (values and types), with the doc comment written on its export line. */
function publicApi(): { name: string; value: boolean; doc: string }[] {
  const program = ts.createProgram([ENTRY], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, experimentalDecorators: true, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  return checker.getExportsOfModule(entry).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const exportLine = symbol.declarations?.[0]?.parent?.parent;
    const doc = exportLine ? ts.getJSDocCommentsAndTags(exportLine).map((node) => node.getText()).join('\n') : '';
    return { name: symbol.name, value: (target.flags & ts.SymbolFlags.Value) !== 0, doc };
  });
}

describe('public API of the main entry', () => {
  const api = publicApi();

  it(`exports at most ${MAX_EXPORTED_NAMES} names, values and types counted`, () => {
    expect(api.length).toBeGreaterThan(0);
    expect(api.length).toBeLessThanOrEqual(MAX_EXPORTED_NAMES);
  });

  it('exports infisicalConfigLoader as a value (ConfigModule.forRoot({ load }) calls it), StoreRendezvous not', () => {
    expect(api.find((entry) => entry.name === 'infisicalConfigLoader')?.value).toBe(true);
    expect(api.map((entry) => entry.name)).not.toContain('StoreRendezvous');
  });

  it('documents every export on its own export line', () => {
    expect(api.filter((entry) => !/^\/\*\*[\s\S]*\S[\s\S]*\*\/$/.test(entry.doc.trim())).map((entry) => entry.name)).toEqual([]);
  });

  it('exports none of the internals (tables, tokens of the options object, defaults, rules)', () => {
    const names = api.map((entry) => entry.name);
    for (const internal of ['INFISICAL_ENV_VARIABLES', 'INFISICAL_MODULE_OPTIONS', 'INFISICAL_OPTIONS_TYPE', 'DEFAULT_SITE_URL', 'REDACTED', 'GEMINI_API_KEY_RULE', 'SecretHandle', 'SecretStoreParts']) {
      expect(names).not.toContain(internal);
    }
    expect(names).toEqual(expect.arrayContaining(['InfisicalModule', 'SecretStore', 'InfisicalHealthIndicator', 'registerSecretsAs', 'GmailCredentials', 'InfisicalError', 'infisicalConfigLoader']));
    expect(names).toEqual(expect.arrayContaining(['InjectDynamicSecret', 'DynamicSecretHandle', 'LeasedPgPool']));
    for (const internal of ['DynamicSecretLeases', 'LeaseLifecycle', 'getDynamicSecretToken', 'INFISICAL_DYNAMIC_SECRETS']) expect(names).not.toContain(internal);
  });
});
