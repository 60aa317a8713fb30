export { ROLES, isRole, roleAtLeast, principalName, type Principal, type Role } from './roles.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { createTokenSigner, JWT_AUDIENCE, JWT_ISSUER, type TokenSigner } from './tokens.js';
export * from './credential-store.js';
export { loadSecrets, deriveSecrets, type ApiSecrets } from './secrets.js';
