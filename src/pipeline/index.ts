export { runPipeline, goldIsBuilt, type PipelineOptions, type PipelineResult, type Totals } from './run-pipeline.js';
export { markInterruptedRuns, listRuns, runSteps, type RunRow, type RunStatus } from './run-store.js';
export { loadGoldModels, buildOrder, type Model } from './model-graph.js';
export { openProjectWarehouse } from './open-warehouse.js';
