export type { AssetDef, AssetGraph, AssetKind, CheckDef, CheckSeverity, RetryPolicy } from './asset-types.js';
export { NO_RETRY } from './asset-types.js';
export { buildAssetGraph, assetOf, related, partitionedClosure, PARTITIONS_TOKEN, goldKey, INGEST, QUALITY_SILVER } from './asset-graph.js';
export { lineageAsJson, lineageAsMermaid, columnLineageAsMermaid, type Lineage } from './lineage.js';
export { columnLineage, type ColumnLineage, type ColumnSource, type ModelColumnLineage } from './column-lineage.js';
