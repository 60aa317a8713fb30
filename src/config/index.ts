export { loadConfig, configSchema, CONFIG_ENV_VARIABLES, type StrataConfig } from './config.js';
export { envBoolean } from './env-boolean.js';
