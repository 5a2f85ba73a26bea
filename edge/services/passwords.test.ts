import { describe, expect, it } from 'vitest';
import { generateSealKey, hashPasswordScrypt, importSealKey, seal, unseal, verifyPasswordScrypt } from './passwords.ts';

const cheap = { ln: 4, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('verifies the password it hashed and no other, with a fresh salt each time', async () => {
    const a = await hashPasswordScrypt('Correct-horse-42!', cheap);
    const b = await hashPasswordScrypt('Correct-horse-42!', cheap);
    expect(a).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPasswordScrypt('Correct-horse-42!', a)).toBe(true);
    expect(await verifyPasswordScrypt('correct-horse-42!', a)).toBe(false);
  });

  it('reads the cost from the stored string, so old hashes verify after the default changes', async () => {
    const strong = await hashPasswordScrypt('pw', { ln: 6, r: 4, p: 2 });
    expect(strong).toContain('ln=6,r=4,p=2');
    expect(await verifyPasswordScrypt('pw', strong)).toBe(true);
  });

  it('treats anything that is not our format as a mismatch, never an exception', async () => {
    for (const junk of ['', 'plain', '$argon2id$v=19$m=1,t=1,p=1$abc$def', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA']) {
      expect(await verifyPasswordScrypt('pw', junk)).toBe(false);
    }
  });
});

describe('sealing', () => {
  it('opens only with the same key and context', async () => {
    const key = await generateSealKey();
    const sealed = await seal(key, 'Correct-horse-42!', 'u1:github');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('Correct');
    expect(await unseal(key, sealed, 'u1:github')).toBe('Correct-horse-42!');
    expect(await unseal(key, sealed, 'u1:slack')).toBeUndefined();
    expect(await unseal(await generateSealKey(), sealed, 'u1:github')).toBeUndefined();
    expect(await unseal(key, 'v1.garbage', 'u1:github')).toBeUndefined();
  });

  it('imports a 32-byte base64 key and refuses other sizes', async () => {
    const raw = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
    const key = await importSealKey(raw);
    expect(await unseal(key, await seal(key, 'x', 'c'), 'c')).toBe('x');
    await expect(importSealKey(btoa('short'))).rejects.toThrow(/32 bytes/);
  });
});
