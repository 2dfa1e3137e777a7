/** A transport failure in a few words with its code, from fetch's `cause` or from a node:http error itself. */
import { describe, expect, it } from '@jest/globals';
import { describeNetworkError } from '../../src/infisical/api/network-error.js';

const fetchError = (cause: object) => Object.assign(new TypeError('fetch failed'), { cause });
const nodeError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('describeNetworkError', () => {
  it.each([
    ['fetch', fetchError({ code: 'ECONNREFUSED' })],
    ['node:http', nodeError('ECONNREFUSED')],
  ])('names a known code the same from %s', (_stack, error) => {
    expect(describeNetworkError(error)).toEqual({ kind: 'network', detail: 'connection refused (ECONNREFUSED)' });
  });

  it.each([
    [fetchError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'ssl3_get_record:wrong version number' })],
    [nodeError('EPROTO', 'write EPROTO 40C7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number')],
    [fetchError({ message: 'SSL routines:packet length too long' })],
  ])('a plain-HTTP answer to TLS is one message, never OpenSSL\'s text (%#)', (error) => {
    expect(describeNetworkError(error)).toEqual({ kind: 'tls', detail: 'TLS handshake failed: the server does not speak TLS on that port (ERR_SSL_WRONG_VERSION_NUMBER)' });
  });

  it('a handshake failure is a TLS failure with its code', () => {
    expect(describeNetworkError(nodeError('EPROTO', 'SSL routines:sslv3 alert handshake failure'))).toEqual({ kind: 'tls', detail: 'TLS handshake failed (EPROTO)' });
    expect(describeNetworkError(nodeError('EPROTO', 'something else'))).toEqual({ kind: 'tls', detail: 'TLS handshake failed (EPROTO)' });
  });

  it('names a port fetch refuses (undici\'s "bad port" cause has no code) with its fix', async () => {
    const real = await fetch('http://127.0.0.1:1/').catch((error: unknown) => error);
    for (const error of [real, fetchError(new Error('bad port'))]) {
      const { kind, detail } = describeNetworkError(error);
      expect(kind).toBe('network');
      expect(detail).toMatch(/^fetch refuses to connect to this port \(bad port: .*\), nothing was sent; serve Infisical on another port and set siteUrl \(INFISICAL_SITE_URL\) to it$/);
    }
    for (const message of ['bad portal', 'not a bad port']) expect(describeNetworkError(fetchError(new Error(message))).detail).toBe('network error (no error code)');
  });

  it.each([
    [nodeError('CERT_HAS_EXPIRED'), { kind: 'tls', detail: 'TLS certificate expired (CERT_HAS_EXPIRED)' }],
    [nodeError('HPE_HEADER_OVERFLOW'), { kind: 'network', detail: 'answer headers too large (HPE_HEADER_OVERFLOW)' }],
    [nodeError('HPE_INVALID_CONSTANT'), { kind: 'network', detail: 'malformed HTTP answer (HPE_INVALID_CONSTANT)' }],
    [fetchError({ code: 'UND_ERR_SOCKET' }), { kind: 'network', detail: 'connection closed by the server before it answered (UND_ERR_SOCKET)' }],
    [nodeError('EWHATEVER'), { kind: 'network', detail: 'network error (EWHATEVER)' }],
    [new TypeError('fetch failed'), { kind: 'network', detail: 'network error (no error code)' }],
    [undefined, { kind: 'network', detail: 'network error (no error code)' }],
  ])('%#: %j', (error, expected) => {
    expect(describeNetworkError(error)).toEqual(expected);
  });
});
