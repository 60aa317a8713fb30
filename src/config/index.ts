export { envBoolean } from './env-boolean.js';
export { loadConfig, configSchema, CONFIG_ENV_VARIABLES, type StrataConfig, type HttpSourceSettings } from './config.js';
