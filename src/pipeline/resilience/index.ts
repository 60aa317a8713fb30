export { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerSettings, type CircuitState } from './circuit-breaker.js';
export { createRateBudget, type RateBudget, type RateBudgetSettings } from './token-bucket.js';
export { createResourceRegistry, processResources, type ExternalResource, type ExternalResourceSettings, type ResourceRegistry } from './external-resource.js';
