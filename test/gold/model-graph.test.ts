import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOrder, loadGoldModels } from '../../src/pipeline/index.js';
import { modelsDir } from '../../src/shared/index.js';
import { tempDir } from '../helpers/cli.js';

const YML = 'description: test model\nkey: [id]\n';
const temps: (() => void)[] = [];

function modelFolder(files: Readonly<Record<string, string>>): string {
  const temp = tempDir('strata-models-');
  temps.push(temp.cleanup);
  const dir = path.join(temp.dir, 'gold');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterEach(() => temps.splice(0).forEach((cleanup) => cleanup()));

describe('the gold model graph', () => {
  const models = loadGoldModels(path.join(modelsDir(), 'gold'));

  it('loads every model of models/gold with its declaration', () => {
    expect(models.map((m) => m.name)).toEqual([
      'dim_country', 'dim_customer', 'dim_date', 'dim_invoice', 'dim_product', 'fact_sales',
      'mart_cohort_retention', 'mart_country_sales', 'mart_customer_days', 'mart_customer_rfm', 'mart_daily_sales', 'mart_order_days',
      'mart_product_performance', 'mart_sales_day_country', 'mart_sales_periods',
    ]);
    expect(models.every((m) => m.key.length > 0 && m.description.length > 0)).toBe(true);
  });

  it('reads dependencies from the SQL and from relationship checks', () => {
    const fact = models.find((m) => m.name === 'fact_sales')!;
    expect([...fact.dependsOn].sort()).toEqual(['dim_country', 'dim_customer', 'dim_date', 'dim_product']);
    expect(models.find((m) => m.name === 'dim_date')!.dependsOn).toEqual([]);
  });

  it('orders every model after the models it depends on', () => {
    const order = buildOrder(models).map((m) => m.name);
    expect(order).toHaveLength(models.length);
    for (const model of models) {
      for (const dep of model.dependsOn) expect(order.indexOf(dep), `${dep} before ${model.name}`).toBeLessThan(order.indexOf(model.name));
    }
  });

  it('plans the same order whatever order the models arrive in', () => {
    const order = buildOrder(models).map((m) => m.name);
    expect(buildOrder([...models].reverse()).map((m) => m.name)).toEqual(order);
  });

  it('refuses a cycle, naming it', () => {
    const dir = modelFolder({
      'a.sql': 'SELECT * FROM gold.b', 'a.yml': YML,
      'b.sql': 'SELECT * FROM gold.c', 'b.yml': YML,
      'c.sql': 'SELECT * FROM gold.a', 'c.yml': YML,
    });
    expect(() => buildOrder(loadGoldModels(dir))).toThrow(expect.objectContaining({ code: 'STRATA_ERR_MODEL', message: expect.stringContaining('a -> b -> c -> a') }));
  });

  it('refuses a model without its .yml declaration, naming the file', () => {
    const dir = modelFolder({ 'a.sql': 'SELECT 1 AS id', 'a.yml': YML, 'orphan.sql': 'SELECT 1 AS id' });
    expect(() => loadGoldModels(dir)).toThrow(expect.objectContaining({ code: 'STRATA_ERR_MODEL', message: expect.stringContaining('orphan.yml') }));
  });

  it('refuses a declaration with an unknown key or a malformed check', () => {
    expect(() => loadGoldModels(modelFolder({ 'a.sql': 'SELECT 1 AS id', 'a.yml': `${YML}owner: me\n` }))).toThrow(expect.objectContaining({ code: 'STRATA_ERR_MODEL' }));
    const badCheck = `${YML}checks:\n  - { kind: not_null, columns: ["id; DROP TABLE x"] }\n`;
    expect(() => loadGoldModels(modelFolder({ 'a.sql': 'SELECT 1 AS id', 'a.yml': badCheck }))).toThrow(expect.objectContaining({ code: 'STRATA_ERR_MODEL' }));
  });

  it('refuses a model that reads a model that does not exist', () => {
    const dir = modelFolder({ 'a.sql': 'SELECT * FROM gold.missing', 'a.yml': YML });
    expect(() => loadGoldModels(dir)).toThrow(expect.objectContaining({ code: 'STRATA_ERR_MODEL', message: expect.stringContaining('missing') }));
  });
});
