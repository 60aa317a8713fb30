/** Verified access tokens are remembered only until their own expiry. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenSigner } from '../../src/api/auth/index.js';

afterEach(() => vi.useRealTimers());

describe('access token verification', () => {
  it('accepts a remembered token until it expires, then refuses it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const signer = createTokenSigner(new TextEncoder().encode('a-test-secret-that-is-long-enough-0123456789'), 60);
    const { token } = await signer.sign('ada', 'admin');
    expect(await signer.verify(token)).toMatchObject({ id: 'ada', role: 'admin' });
    expect(await signer.verify(token)).toMatchObject({ id: 'ada', role: 'admin' });
    vi.setSystemTime(new Date('2026-01-01T00:02:00Z'));
    await expect(signer.verify(token)).rejects.toMatchObject({ code: 'STRATA_ERR_UNAUTHENTICATED' });
  });

  it('never remembers a token that failed', async () => {
    const signer = createTokenSigner(new TextEncoder().encode('a-test-secret-that-is-long-enough-0123456789'), 60);
    const { token } = await signer.sign('ada', 'admin');
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'BB' : 'AA'}`;
    await expect(signer.verify(tampered)).rejects.toMatchObject({ code: 'STRATA_ERR_UNAUTHENTICATED' });
    await expect(signer.verify(tampered)).rejects.toMatchObject({ code: 'STRATA_ERR_UNAUTHENTICATED' });
  });
});
