import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

@Injectable()
class Greeter { hello() { return 'hi'; } }
@Injectable()
class User { constructor(readonly greeter: Greeter) {} }
@Module({ providers: [Greeter, User] })
class M {}

describe('toolchain', () => {
  it('resolves constructor injection by type', async () => {
    const ref = await Test.createTestingModule({ imports: [M] }).compile();
    expect(ref.get(User).greeter.hello()).toBe('hi');
    await ref.close();
  });
});
