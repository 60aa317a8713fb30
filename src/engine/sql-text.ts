/**
 * Quoting for the few places SQL text must carry a name or a literal that cannot be a bound
 * parameter (identifiers, table-function options). Everything else is a bound parameter.
 */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Allow-list check for identifiers that come from our own code or declarations. */
export function assertSafeIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return name;
}
