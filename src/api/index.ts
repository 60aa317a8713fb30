export { buildApp, type AppDeps, type StrataHandles } from './app.js';
export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { loadApiSettings, apiSettingsSchema, API_ENV_VARIABLES, type ApiSettings } from './api-settings.js';
export {
  ROLES,
  addUser,
  createApiKey,
  listApiKeys,
  listUsers,
  removeUser,
  revokeApiKey,
  loadSecrets,
  deriveSecrets,
  type ApiSecrets,
  type Role,
} from './auth/index.js';
