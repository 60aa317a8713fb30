/**
 * Text that looks like SQL, names a column after an injection, or stretches what a terminal
 * can show is data: it is stored exactly as written and nothing else changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

const HOSTILE_COLUMN = '"; DROP TABLE x; --';
const DESCRIPTIONS = [
  "'); DROP TABLE silver.transactions; --",
  'Robert\'); DELETE FROM bronze.batches WHERE (\'1\'=\'1',
  '🎉 PARTY BUNTING 🛒 ✨',
  'שלום עולם مرحبا بالعالم',
  `${'LONG '.repeat(40_000)}END`,
  '$1 $$ \\N \\x00 NULL',
];

describe('hostile strings', () => {
  it('stores SQL-like values, an injection-named column, emoji, right-to-left and very long text verbatim', async () => {
    ws = workspace();
    const header = `${HEADER},${`"${HOSTILE_COLUMN.replaceAll('"', '""')}"`}`;
    const lines = DESCRIPTIONS.map((description, i) => `${row(i + 1, { description })},${i % 2 ? "x'); --" : '٣'}`);
    const file = ws.write(`it's "orders"; DROP TABLE y.csv`, csvText([header, ...lines]));

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.files[0]).toMatchObject({ file, status: 'loaded', rows_in: DESCRIPTIONS.length, schema_drift: [HOSTILE_COLUMN] });
    const bronze = await ws.query<{ description: string; extra: string; file: string }>('SELECT description, _extra::VARCHAR AS extra, _file AS file FROM bronze.transactions_raw ORDER BY _line');
    expect(bronze.map((r) => r.description)).toEqual(DESCRIPTIONS);
    expect(bronze.map((r) => JSON.parse(r.extra))).toEqual(DESCRIPTIONS.map((_, i) => ({ [HOSTILE_COLUMN]: i % 2 ? "x'); --" : '٣' })));
    expect(new Set(bronze.map((r) => r.file))).toEqual(new Set([file]));
    const silver = await ws.query<{ description: string }>('SELECT description FROM silver.transactions ORDER BY source_line');
    expect(silver.map((r) => r.description)).toEqual(DESCRIPTIONS);
    const [batch] = await ws.query<{ header: string; rows: number }>('SELECT header::VARCHAR AS header, rows_in::INTEGER AS rows FROM bronze.batches');
    expect(JSON.parse(batch!.header)).toEqual([...HEADER.split(','), HOSTILE_COLUMN]);
    expect(batch!.rows).toBe(DESCRIPTIONS.length);
    const tables = await ws.query<{ name: string }>(`SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE schema_name IN ('bronze', 'silver') ORDER BY 1`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['bronze.batches', 'bronze.transactions_raw', 'silver.transactions']));
  });
});
