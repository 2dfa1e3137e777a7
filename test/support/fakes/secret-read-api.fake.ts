import type { InfisicalApi, InfisicalProjectInfo, ListQuery } from '../../../src/infisical/api/infisical-api.js';
import type { FetchedSecret, ParsedList } from '../../../src/infisical/api/list-response.parser.js';
import type { InfisicalTarget } from '../../../src/infisical/interfaces/infisical-source.interface.js';

/** One read call the code under test made (the token routes are in infisical-api.fake.ts). */
export interface ReadApiCall {
  method: 'listSecrets' | 'getProject' | 'listFolders';
  token: string;
  target: InfisicalTarget;
  query?: ListQuery;
  path?: string;
  signal: AbortSignal;
}

/** A scripted answer: a value, an error to throw, or a function of the call returning either. */
export type ReadAnswer<T> = T | Error | ((call: ReadApiCall) => T | Error | Promise<T | Error>);

/** A list answer as the parser returns it; secrets given as `{ KEY: 'value' }` get version 1 and `folder`. */
export function listOf(
  secrets: Record<string, string> | FetchedSecret[],
  extra: Partial<Omit<ParsedList, 'secrets'>> = {},
  folder: { environment: string; secretPath: string } = { environment: 'prod', secretPath: '/' },
): ParsedList {
  const list = Array.isArray(secrets) ? secrets : Object.entries(secrets).map(([key, value]) => ({ key, value, version: 1, imported: false, ...folder }));
  return { secrets: list, hiddenKeys: [], duplicateKeys: [], droppedKeys: [], ...extra };
}

/**
 * The read routes of Infisical's API (list secrets, project, folders) without HTTP: each answers from what the test
 * scripted for it and records the call. An unscripted call throws, so a test notices a request it did not expect.
 */
export class FakeSecretReadApi implements Pick<InfisicalApi, 'listSecrets' | 'getProject' | 'listFolders'> {
  readonly calls: ReadApiCall[] = [];
  lists: ReadAnswer<ParsedList> | undefined;
  project: ReadAnswer<InfisicalProjectInfo> | undefined;
  folders: ReadAnswer<string[]> | undefined;

  listSecrets(token: string, query: ListQuery, target: InfisicalTarget, signal: AbortSignal): Promise<ParsedList> {
    return this.#answer({ method: 'listSecrets', token, target, query, signal }, this.lists);
  }

  getProject(token: string, target: InfisicalTarget, signal: AbortSignal): Promise<InfisicalProjectInfo> {
    return this.#answer({ method: 'getProject', token, target, signal }, this.project);
  }

  listFolders(token: string, target: InfisicalTarget, path: string, signal: AbortSignal): Promise<string[]> {
    return this.#answer({ method: 'listFolders', token, target, path, signal }, this.folders);
  }

  /** Calls of one method, in order. */
  callsOf(method: ReadApiCall['method']): ReadApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async #answer<T>(call: ReadApiCall, answer: ReadAnswer<T> | undefined): Promise<T> {
    this.calls.push(call);
    if (answer === undefined) throw new Error(`FakeSecretReadApi: ${call.method} was not scripted`);
    const result = typeof answer === 'function' ? await (answer as (c: ReadApiCall) => T | Error | Promise<T | Error>)(call) : answer;
    if (result instanceof Error) throw result;
    return result;
  }
}

/** A session that hands every call the same token and counts the calls (`withToken` only). */
export class FakeTokenSession {
  uses = 0;
  constructor(readonly token = 'access-token-1') {}
  withToken<T>(_signal: AbortSignal, call: (token: string) => Promise<T>): Promise<T> {
    this.uses++;
    return call(this.token);
  }
}
