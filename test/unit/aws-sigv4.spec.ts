import { describe, expect, it } from '@jest/globals';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { amzDate, signAwsRequest } from '../../src/infisical/auth/aws-sigv4.js';

// AWS Signature Version 4 test suite (aws-sig-v4-test-suite): credentials, scope and time shared by every vector.
const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
  host: 'example.amazonaws.com',
};

describe('AWS SigV4 signing', () => {
  it('matches the "get-vanilla" vector of the AWS test suite', () => {
    const headers = signAwsRequest({ ...SUITE, method: 'GET', path: '/', body: '' });
    expect(headers.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers['X-Amz-Date']).toBe('20150830T123600Z');
  });

  it('matches the "get-vanilla-query-order-key-case" vector (query sorted by key)', () => {
    const headers = signAwsRequest({ ...SUITE, method: 'GET', path: '/', query: { Param2: 'value2', Param1: 'value1' }, body: '' });
    expect(headers.Authorization).toMatch(/Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
  });

  it.each([
    ['long-term keys', undefined],
    ['temporary credentials with a session token', 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN'],
  ])('signs the sts:GetCallerIdentity request exactly as @smithy/signature-v4 does (%s)', async (_name, sessionToken) => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ...(sessionToken ? { sessionToken } : {}) };
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const date = new Date('2026-12-05T06:07:08Z');
    const ours = signAwsRequest({
      method: 'POST',
      host: 'sts.eu-west-1.amazonaws.com',
      path: '/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      region: 'eu-west-1',
      service: 'sts',
      credentials,
      date,
    });
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'sts', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
    const theirs = await signer.sign(
      { method: 'POST', protocol: 'https:', hostname: 'sts.eu-west-1.amazonaws.com', path: '/', query: {}, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: 'sts.eu-west-1.amazonaws.com' }, body },
      { signingDate: date },
    );
    expect(ours.Authorization).toBe(theirs.headers['authorization']);
    expect(ours['X-Amz-Security-Token']).toBe(sessionToken);
  });

  it.each([
    ['reserved characters in the query', 'GET', '/', { 'a b': "x!y'z(1)*2~._-", Zeta: 'last', alpha: 'é/?&=' }, {}],
    ['a lower-case method and mixed-case headers', 'post', '/', {}, { 'X-Custom-B': 'two', 'x-custom-a': 'one', 'X-CUSTOM-C': 'three' }],
    ['header values with runs of whitespace', 'GET', '/', {}, { 'X-Spaced': '  a   b \t c  ' }],
    ['a deeper path', 'GET', '/a/b%20c', { q: '1' }, {}],
  ] as const)('signs %s exactly as @smithy/signature-v4 does', async (_name, method, path, query, extraHeaders) => {
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'session token' };
    const date = new Date('2026-12-05T06:07:08.123Z');
    const host = 'sts.eu-west-1.amazonaws.com';
    const ours = signAwsRequest({ method, host, path, query: { ...query }, headers: { ...extraHeaders }, body: 'x=1', region: 'eu-west-1', service: 'sts', credentials, date });
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'sts', sha256: Hash.bind(null, 'sha256'), applyChecksum: false, uriEscapePath: false });
    const theirs = await signer.sign(
      { method: method.toUpperCase(), protocol: 'https:', hostname: host, path, query: { ...query }, headers: { ...extraHeaders, Host: host }, body: 'x=1' },
      { signingDate: date },
    );
    expect(ours.Authorization).toBe(theirs.headers['authorization']);
    expect(ours['X-Amz-Security-Token']).toBe('session token');
  });

  it('an empty path is signed as /', () => {
    const request = { ...SUITE, method: 'GET', body: '' };
    expect(signAwsRequest({ ...request, path: '' }).Authorization).toBe(signAwsRequest({ ...request, path: '/' }).Authorization);
  });

  it('formats the time as AWS wants it, without milliseconds', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.999Z'))).toBe('20150830T123600Z');
  });
});
