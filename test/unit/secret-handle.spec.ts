import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { SecretGroup, SecretRef } from '../../src/infisical/credentials/secret-ref.js';
import { FakeSecretReader } from '../support/fakes/secret-reader.fake.js';

describe('SecretRef', () => {
  it('reads the current value at every access, so a rotation needs no re-injection', () => {
    const store = new FakeSecretReader({ API_TOKEN: 'token-one' });
    const ref = new SecretRef(store, 'API_TOKEN');
    expect(ref.key).toBe('API_TOKEN');
    expect(ref.value).toBe('token-one');
    store.change({ API_TOKEN: 'token-two' });
    expect(ref.value).toBe('token-two');
  });

  it('turns a typed (non-string) value into its string form', () => {
    const ref = new SecretRef(new FakeSecretReader({ PORT: 8080, FLAG: false }), 'PORT');
    expect(ref.value).toBe('8080');
    expect(new SecretRef(new FakeSecretReader({ FLAG: false }), 'FLAG').value).toBe('false');
  });

  it('throws the store\'s not-found error when the key has no value', () => {
    const ref = new SecretRef(new FakeSecretReader(), 'MISSING_KEY');
    expect(() => ref.value).toThrow('secret "MISSING_KEY" not found');
  });

  it('valueAsync asks the store first (a fetch with cacheTtlSeconds: 0) and answers with what it brought', async () => {
    const store = new FakeSecretReader({ API_TOKEN: 'stale' });
    store.onFetch = () => store.values.set('API_TOKEN', 'fetched');
    const ref = new SecretRef(store, 'API_TOKEN');
    await expect(ref.valueAsync()).resolves.toBe('fetched');
    expect(store.asyncReads).toEqual(['API_TOKEN']);
  });

  it('prints the key with a redacted value in toString, JSON and inspect', () => {
    const ref = new SecretRef(new FakeSecretReader({ API_TOKEN: 'super-secret-value' }), 'API_TOKEN');
    expect(String(ref)).toBe('Secret { API_TOKEN: [REDACTED] }');
    expect(JSON.stringify(ref)).toBe('{"API_TOKEN":"[REDACTED]"}');
    expect(inspect(ref)).toBe('Secret { API_TOKEN: [REDACTED] }');
    expect(inspect({ nested: ref })).not.toContain('super-secret-value');
  });
});

describe('SecretHandle.onRotate', () => {
  it('calls the listener once per refresh that changed any of its keys, with the handle', () => {
    const store = new FakeSecretReader({ A: '1', B: '2', C: '3' });
    const group = new SecretGroup(store, 'pair', ['A', 'B']);
    const calls: unknown[] = [];
    group.onRotate((handle) => calls.push(handle));
    store.change({ A: '10', B: '20' });
    expect(calls).toEqual([group]);
    expect(calls[0]).toBe(group);
    store.change({ B: '21' });
    expect(calls).toHaveLength(2);
  });

  it('ignores refreshes that changed only other keys', () => {
    const store = new FakeSecretReader({ A: '1', C: '3' });
    const ref = new SecretRef(store, 'A');
    let calls = 0;
    ref.onRotate(() => calls++);
    store.change({ C: '4', D: '5' });
    expect(calls).toBe(0);
  });

  it('returns the unsubscribe function', () => {
    const store = new FakeSecretReader({ A: '1' });
    const ref = new SecretRef(store, 'A');
    let calls = 0;
    const off = ref.onRotate(() => calls++);
    expect(store.listenerCount).toBe(1);
    off();
    store.change({ A: '2' });
    expect(calls).toBe(0);
    expect(store.listenerCount).toBe(0);
  });
});

describe('SecretGroup', () => {
  const store = () => new FakeSecretReader({ SMTP_USER: 'mailer', SMTP_PASSWORD: 'p4ssw0rd-value', OTHER: 'x' });

  it('reads one member or all members by name', () => {
    const group = new SecretGroup(store(), 'smtp', ['SMTP_USER', 'SMTP_PASSWORD']);
    expect(group.name).toBe('smtp');
    expect(group.get('SMTP_PASSWORD')).toBe('p4ssw0rd-value');
    expect(group.values()).toEqual({ SMTP_USER: 'mailer', SMTP_PASSWORD: 'p4ssw0rd-value' });
  });

  it('refuses a key outside the group, naming the group and its members', () => {
    const group = new SecretGroup(store(), 'smtp', ['SMTP_USER', 'SMTP_PASSWORD']);
    expect(() => group.get('OTHER')).toThrow(new RangeError('"OTHER" is not part of secret group "smtp" (members: SMTP_USER, SMTP_PASSWORD)'));
  });

  it('lists its keys as a copy', () => {
    const group = new SecretGroup(store(), 'smtp', ['SMTP_USER', 'SMTP_PASSWORD']);
    const keys = group.keys;
    keys.push('OTHER');
    expect(group.keys).toEqual(['SMTP_USER', 'SMTP_PASSWORD']);
  });

  it('prints its name and keys, never the values', () => {
    const group = new SecretGroup(store(), 'smtp', ['SMTP_USER', 'SMTP_PASSWORD']);
    expect(group.toString()).toBe('SecretGroup(smtp) { SMTP_USER: [REDACTED], SMTP_PASSWORD: [REDACTED] }');
    expect(group.toJSON()).toEqual({ SMTP_USER: '[REDACTED]', SMTP_PASSWORD: '[REDACTED]' });
    expect(inspect(group)).not.toContain('p4ssw0rd-value');
  });
});
