/**
 * Scores every batch waiting in bronze against the rules, set-based: one query per rule over the
 * typed stage, results per batch and rule (passes too) into quality.check_results, each failing
 * `error` row into quality.quarantine with its rule and reason. Leaves `_typed` and
 * `_error_lines` in the session for the silver step of the same transaction.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WarehouseSession } from '../engine/index.js';
import { StrataError, modelsDir } from '../shared/index.js';
import { compileRule } from './compile-rule.js';
import type { Rule } from './rule.js';

export interface QualitySummary {
  readonly batches: number;
  readonly rowsChecked: number;
  readonly rowsQuarantined: number;
  readonly rowsWarned: number;
  readonly ruleFailures: Readonly<Record<string, number>>;
}

/** Drops the session tables the quality step leaves for the silver step. */
export const DROP_STAGE =
  'DROP VIEW IF EXISTS _typed; DROP TABLE IF EXISTS _typed_rows; DROP TABLE IF EXISTS _violations; DROP TABLE IF EXISTS _rules; DROP TABLE IF EXISTS _error_lines; DROP TABLE IF EXISTS _held_keys; DROP TABLE IF EXISTS _repeated_hashes;';

const typedStageSql = (): string => readFileSync(path.join(modelsDir(), 'silver', 'typed_transactions.sql'), 'utf8');

export async function loadReferenceData(tx: WarehouseSession): Promise<void> {
  const seeds = path.join(modelsDir(), 'seeds');
  // A bulk load on either engine (COPY), inside the caller's transaction.
  await tx.execute(
    `DROP TABLE IF EXISTS reference.countries; CREATE TABLE reference.countries (alias VARCHAR, country VARCHAR, iso2 VARCHAR, region VARCHAR);
     DROP TABLE IF EXISTS reference.non_product_codes; CREATE TABLE reference.non_product_codes (pattern VARCHAR, meaning VARCHAR);`,
  );
  await tx.copyFromCsv('reference.countries', ['alias', 'country', 'iso2', 'region'], path.join(seeds, 'countries.csv'), { header: true });
  await tx.copyFromCsv('reference.non_product_codes', ['pattern', 'meaning'], path.join(seeds, 'non_product_codes.csv'), { header: true });
}

export async function evaluateQuality(tx: WarehouseSession, runId: string, rules: readonly Rule[]): Promise<QualitySummary> {
  // Refuse bad rules before any work: results and quarantine rows are keyed by rule id.
  const compiled = rules.map(compileRule);
  const twice = compiled.find((c, i) => compiled.findIndex((o) => o.rule.id === c.rule.id) !== i);
  if (twice) throw new StrataError('STRATA_ERR_RULE', `rule id ${twice.rule.id} is used by more than one rule`);
  await tx.execute(DROP_STAGE);
  // The text columns are stored once and named twice (raw and typed), as rules address them.
  await tx.execute(
    `CREATE TEMP TABLE _typed_rows AS ${typedStageSql()};
     CREATE TEMP VIEW _typed AS
     SELECT *, invoice_no_raw AS invoice_no, stock_code_raw AS stock_code, description_raw AS description FROM _typed_rows`,
  );
  await tx.execute(
    `CREATE TEMP TABLE _rules AS
     SELECT unnest($ids) AS rule_id, unnest($kinds) AS rule_kind, unnest($severities) AS severity,
            nullif(unnest($columns), '') AS column_name, unnest($messages) AS message`,
    {
      ids: compiled.map((c) => c.rule.id),
      kinds: compiled.map((c) => c.rule.kind),
      severities: compiled.map((c) => c.rule.severity),
      columns: compiled.map((c) => c.column ?? ''),
      messages: compiled.map((c) => c.rule.message),
    },
  );
  const union = compiled
    .map((c, i) => `SELECT $id${i} AS rule_id, batch_id, line, value::VARCHAR AS value FROM (${c.sql}) AS rule_${i}`)
    .join('\nUNION ALL\n');
  await tx.execute(
    `CREATE TEMP TABLE _violations AS ${union}`,
    Object.fromEntries(compiled.map((c, i) => [`id${i}`, c.rule.id])),
  );
  await tx.execute(
    `CREATE TEMP TABLE _error_lines AS
     SELECT DISTINCT v.batch_id, v.line FROM _violations v JOIN _rules r USING (rule_id) WHERE r.severity = 'error'`,
  );

  await tx.execute(
    `INSERT INTO quality.check_results
     WITH batch_rows AS (SELECT batch_id, count(*) AS rows_checked FROM _typed GROUP BY 1),
     failures AS (SELECT batch_id, rule_id, count(DISTINCT line) AS rows_failed FROM _violations GROUP BY 1, 2)
     SELECT $run_id, b.batch_id, 'bronze.transactions_raw', r.rule_id, r.rule_kind, r.severity, r.column_name,
            b.rows_checked, coalesce(f.rows_failed, 0), coalesce(f.rows_failed, 0) = 0, r.message, now()
     FROM batch_rows b CROSS JOIN _rules r
     LEFT JOIN failures f ON f.batch_id = b.batch_id AND f.rule_id = r.rule_id`,
    { run_id: runId },
  );
  await tx.execute(
    `INSERT INTO quality.quarantine
     SELECT v.batch_id, t.file, v.line, v.rule_id, r.column_name, left(v.value, 1000),
            r.message || CASE WHEN v.value IS NULL THEN '' ELSE ': ' || left(v.value, 200) END,
            t.row_hash, now()
     FROM _violations v
     JOIN _rules r USING (rule_id)
     JOIN _typed t ON t.batch_id = v.batch_id AND t.line = v.line
     WHERE r.severity = 'error'`,
  );

  const [totals] = await tx.query<{ batches: number; rows_checked: number; quarantined: number; warned: number }>(
    `SELECT (SELECT count(DISTINCT batch_id) FROM _typed)::INTEGER AS batches,
            (SELECT count(*) FROM _typed)::INTEGER AS rows_checked,
            (SELECT count(*) FROM _error_lines)::INTEGER AS quarantined,
            (SELECT count(*) FROM (SELECT DISTINCT v.batch_id, v.line FROM _violations v JOIN _rules r USING (rule_id)
                                   WHERE r.severity = 'warn' AND NOT EXISTS (
                                     SELECT 1 FROM _error_lines e WHERE e.batch_id = v.batch_id AND e.line = v.line)))::INTEGER AS warned`,
  );
  const failures = await tx.query<{ rule_id: string; n: number }>('SELECT rule_id, count(*)::INTEGER AS n FROM _violations GROUP BY 1 ORDER BY 1');
  return {
    batches: totals?.batches ?? 0,
    rowsChecked: totals?.rows_checked ?? 0,
    rowsQuarantined: totals?.quarantined ?? 0,
    rowsWarned: totals?.warned ?? 0,
    ruleFailures: Object.fromEntries(failures.map((f) => [f.rule_id, f.n])),
  };
}
