export { envBoolean } from './env-boolean.js';
export { loadConfig, configSchema, CONFIG_ENV_VARIABLES, type StrataConfig, type HttpSourceSettings, type ScheduleSettings } from './config.js';
