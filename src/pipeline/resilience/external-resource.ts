/**
 * External resources by name (an API host, a partner's endpoint): each has one circuit breaker
 * and one rate budget for the whole process, so every step that calls it shares both.
 */
import { systemClock, type Clock } from '../executor/index.js';
import { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerSettings } from './circuit-breaker.js';
import { createRateBudget, type RateBudget, type RateBudgetSettings } from './token-bucket.js';

export interface ExternalResourceSettings {
  readonly breaker: CircuitBreakerSettings;
  readonly rate: RateBudgetSettings;
}

export interface ExternalResource {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  readonly budget: RateBudget;
}

export interface ResourceRegistry {
  /** The resource called `name`; the first caller's settings create it, later callers share it. */
  get(name: string, settings: ExternalResourceSettings): ExternalResource;
}

export function createResourceRegistry(clock: Clock = systemClock): ResourceRegistry {
  const resources = new Map<string, ExternalResource>();
  return {
    get(name, settings) {
      let resource = resources.get(name);
      if (!resource) {
        resource = { name, breaker: createCircuitBreaker(name, settings.breaker, clock), budget: createRateBudget(settings.rate, clock) };
        resources.set(name, resource);
      }
      return resource;
    },
  };
}

/** The process's registry: what `strata pull` and the server use. */
export const processResources: ResourceRegistry = createResourceRegistry();
