export { loadConfig, type StrataConfig } from './config.js';
