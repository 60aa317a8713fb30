/**
 * Column lineage of the project's gold models, without touching the warehouse: an in-memory
 * engine with the migrated DDL and the reference seeds gives the catalog and parses the SQL.
 */
import { migrate, openWarehouse } from '../engine/index.js';
import { loadReferenceData } from '../quality/index.js';
import { columnLineage, type ModelColumnLineage } from './assets/index.js';
import { buildOrder, type Model } from './model-graph.js';

export async function projectColumnLineage(models: readonly Model[]): Promise<ModelColumnLineage[]> {
  const engine = await openWarehouse({ path: ':memory:', threads: 1 });
  try {
    await migrate(engine);
    await loadReferenceData(engine);
    return await columnLineage(engine, buildOrder(models));
  } finally {
    await engine.close();
  }
}
