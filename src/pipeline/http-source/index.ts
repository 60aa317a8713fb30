export { httpPipelineSource, httpSourceAsset, httpSourceKey, configuredSourceAssets, sourceSettings, sourceResourceName, type PipelineSource, type PullResult } from './http-source-asset.js';
export { retryAfterMs } from './page-request.js';
export type { PulledPage } from './http-pull.js';
