/** What route modules get from the app factory. */
import type { QuerySource, Visibility } from '../analytics/index.js';
import type { StrataConfig } from '../config/index.js';
import type { ApiSettings } from './api-settings.js';
import type { ApiSecrets, SqlRunner, TokenSigner } from './auth/index.js';
import type { ApiKeyCache } from './plugins/auth.js';
import type { PipelineRunner } from './pipeline-runner.js';
import type { CacheBackend } from './backends/index.js';
import type { FastifyRequest } from 'fastify';

export interface RouteDeps {
  /** Reads (and small api.* writes) on the reader pool, each with a deadline. */
  readonly db: QuerySource & SqlRunner;
  readonly runner: PipelineRunner;
  readonly config: StrataConfig;
  readonly settings: ApiSettings;
  readonly secrets: ApiSecrets;
  readonly signer: TokenSigner;
  readonly cache: CacheBackend;
  readonly apiKeys: ApiKeyCache;
  readonly state: AppState;
}

export interface AppState {
  /** Set while the server loads data before it can answer (e.g. `serve --demo`). */
  loading: string | null;
}

/** Analysts see pseudonymised customer ids; engineers and admins see the real ones. */
export const visibilityOf = (request: FastifyRequest, deps: RouteDeps): Visibility => ({
  pseudonymSalt: request.principal?.role === 'analyst' ? deps.secrets.pseudonymSalt : null,
});
