export { ingestPaths, type IngestOptions, type IngestReport, type FileOutcome } from './ingest.js';
export { CANONICAL_COLUMNS, mapColumns, type CanonicalColumn } from './column-map.js';
export { discoverFiles, classify, type InputFile } from './discover.js';
export type { DateOrder, LoadedBatch } from './bronze-load.js';
export { csvField, recordColumns, recordsToCsv } from './records-csv.js';
