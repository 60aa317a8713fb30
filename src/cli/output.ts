/** The one printer: JSON with --json (for scripts), tables and lines for a person otherwise. */
import Table from 'cli-table3';

export interface Output {
  readonly json: boolean;
  /** Prints `data` as JSON, or the human rendering. */
  result(data: unknown, human: () => string): void;
  /** A progress or info line for a person; silent in JSON mode (stdout stays parseable). */
  info(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(data, human) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const t = new Table({ head: [...head], style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  return t.toString();
}

export const formatNumber = (n: unknown): string =>
  typeof n === 'number' ? n.toLocaleString('en-GB') : typeof n === 'string' && /^-?\d+(\.\d+)?$/.test(n) ? Number(n).toLocaleString('en-GB', { maximumFractionDigits: 2 }) : String(n ?? '');
