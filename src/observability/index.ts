export { createLogger, httpLoggerOptions, INSTANCE_ID, type Logger } from './logger.js';
export { REDACT_PATHS, pseudonymOf, scrubUrl } from './log-privacy.js';
export { toNumber, type SqlSource } from './sql-source.js';
export { createStrataMetrics, type AssetRows, type RunFigures, type StepEvent, type StrataMetrics } from './metrics/strata-metrics.js';
export type { WarehouseSnapshot } from './metrics/warehouse-snapshot.js';
export { createRollingCounts, type RollingCounts } from './metrics/rolling-counts.js';
export { healthScore, freshnessOf, API_ERROR_BUDGET, type AreaScore, type HealthInputs, type HealthScore, type HealthStatus } from './health/health-score.js';
export { readHealthInputs, WATCHED_ASSETS } from './health/health-inputs.js';
