export { parseDay, isDay, daysBetween, dayKey, dayOfKey, partitionFilter, sortedDays, readOnlyDays, type DayInput } from './day-partitions.js';
export { partitionScope, sqlHash, type PartitionScope, type MaterializationDetail } from './partition-state.js';
export { contentHash } from './content-hash.js';
