import { describe, expect, it } from 'vitest';
import { generateSealKey } from '../services/passwords.ts';
import { hasPlainSecret, keepRedacted, openSecrets, redactSecrets, sealSecrets } from './secrets.ts';

const config = {
  baseUrl: 'https://app.example/scim/v2',
  auth: { type: 'oauth2', tokenUrl: 'https://app.example/token', clientId: 'roster', clientSecret: 's3cret' },
  smtp: { host: 'mail.example', credentials: { user: 'u', pass: 'p' } },
  timeoutMs: 5000,
};

describe('connector secrets', () => {
  it('redacts secrets by key, never an address or an id', () => {
    expect(redactSecrets(config)).toEqual({ ...config, auth: { ...config.auth, clientSecret: '(redacted)' }, smtp: { host: 'mail.example', credentials: '(redacted)' } });
    expect(redactSecrets({ auth: { type: 'header', name: 'X-Api-Key', value: 'k' } })).toEqual({ auth: { type: 'header', name: 'X-Api-Key', value: '(redacted)' } });
    expect(redactSecrets({ headers: { value: 'shown' } })).toEqual({ headers: { value: 'shown' } });
  });

  it('seals each secret for its app and path, opens it as it was, and keeps a redacted one', async () => {
    const key = await generateSealKey();
    const sealed = await sealSecrets(key, 'crm', config);
    expect(JSON.stringify(sealed)).not.toContain('s3cret');
    expect(sealed.smtp).toMatchObject({ host: 'mail.example', credentials: expect.stringMatching(/^v1\./) });
    expect(await hasPlainSecret(sealed)).toBe(false);
    expect(await hasPlainSecret(config)).toBe(true);
    expect(await openSecrets(key, 'crm', sealed)).toEqual({ ok: true, config });
    // Sealing again keeps what is sealed; a redacted value sent back keeps the stored one.
    expect(await sealSecrets(key, 'crm', sealed)).toEqual(sealed);
    const back = keepRedacted(redactSecrets(sealed), sealed);
    expect(back).toEqual(sealed);
  });

  it('refuses a secret moved to another app or opened with another key, naming it', async () => {
    const key = await generateSealKey();
    const sealed = await sealSecrets(key, 'crm', config);
    const moved = await openSecrets(key, 'hr', sealed);
    expect(moved).toMatchObject({ ok: false, error: expect.stringContaining('`auth.clientSecret`, `smtp.credentials` of app `hr` could not be opened') });
    expect(await openSecrets(await generateSealKey(), 'crm', sealed)).toMatchObject({ ok: false });
  });
});
