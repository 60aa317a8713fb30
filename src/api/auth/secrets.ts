/**
 * The server secret (signs JWTs, keys customer pseudonyms): STRATA_JWT_SECRET when set, else a
 * random one kept in `<dataDir>/api-secret.key` (mode 0600) so tokens survive a restart.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../shared/index.js';

export interface ApiSecrets {
  readonly jwtKey: Uint8Array;
  /** Salt for customer pseudonyms; derived, so it never equals the signing key. */
  readonly pseudonymSalt: string;
}

export function deriveSecrets(master: string): ApiSecrets {
  const mac = (label: string): Buffer => createHmac('sha256', master).update(label).digest();
  return { jwtKey: new Uint8Array(mac('strata-jwt-hs256')), pseudonymSalt: mac('strata-customer-pseudonym').toString('hex') };
}

export function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): ApiSecrets {
  const fromEnv = env['STRATA_JWT_SECRET'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 32) throw new StrataError('STRATA_ERR_CONFIG', 'invalid setting STRATA_JWT_SECRET: at least 32 characters');
    return deriveSecrets(fromEnv);
  }
  const file = path.join(dataDir, 'api-secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return deriveSecrets(readFileSync(file, 'utf8').trim());
}
