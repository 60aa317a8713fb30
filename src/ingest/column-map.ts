/**
 * Maps the column names real shop exports use (Online Retail I and II, snake_case, common
 * synonyms) onto Strata's canonical transaction columns. Unmapped columns are schema drift:
 * kept in bronze `_extra` and reported, never dropped.
 */
export const CANONICAL_COLUMNS = [
  'invoice_no',
  'stock_code',
  'description',
  'quantity',
  'invoice_date',
  'unit_price',
  'customer_id',
  'country',
] as const;

export type CanonicalColumn = (typeof CANONICAL_COLUMNS)[number];

const OPTIONAL: ReadonlySet<CanonicalColumn> = new Set(['description', 'customer_id']);

const ALIASES: Readonly<Record<CanonicalColumn, readonly string[]>> = {
  invoice_no: ['invoiceno', 'invoice', 'invoicenumber', 'invoiceid', 'orderid', 'orderno', 'ordernumber', 'order'],
  stock_code: ['stockcode', 'sku', 'productcode', 'productid', 'itemcode', 'itemid', 'article'],
  description: ['description', 'productname', 'productdescription', 'itemdescription', 'itemname', 'product'],
  quantity: ['quantity', 'qty', 'units', 'quantityordered'],
  invoice_date: ['invoicedate', 'invoicedatetime', 'invoicetimestamp', 'orderdate', 'transactiondate', 'date', 'datetime', 'timestamp'],
  unit_price: ['unitprice', 'price', 'unitpricegbp', 'priceeach', 'itemprice', 'unitcost'],
  customer_id: ['customerid', 'customer', 'customerno', 'customernumber', 'clientid'],
  country: ['country', 'countryname', 'market', 'shipcountry'],
};

/** How the column is usually headed, for error messages. */
export const USUAL_NAMES: Readonly<Record<CanonicalColumn, string>> = {
  invoice_no: 'InvoiceNo or Invoice',
  stock_code: 'StockCode',
  description: 'Description',
  quantity: 'Quantity',
  invoice_date: 'InvoiceDate',
  unit_price: 'UnitPrice or Price',
  customer_id: 'CustomerID or Customer ID',
  country: 'Country',
};

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ColumnMapping {
  /** Canonical column -> index in the header, or null when an optional column is absent. */
  readonly positions: Readonly<Record<CanonicalColumn, number | null>>;
  /** Header columns that are not canonical: index and name as in the file. */
  readonly extras: readonly { readonly index: number; readonly name: string }[];
}

export type MappingResult =
  | { readonly ok: true; readonly mapping: ColumnMapping }
  | { readonly ok: false; readonly missing: readonly CanonicalColumn[]; readonly conflicts: readonly string[] };

export function mapColumns(header: readonly string[]): MappingResult {
  const positions = Object.fromEntries(CANONICAL_COLUMNS.map((c) => [c, null])) as Record<CanonicalColumn, number | null>;
  const extras: { index: number; name: string }[] = [];
  const conflicts: string[] = [];
  const extraNames = new Set<string>();
  // Extra columns are keys of one JSON object in bronze, so a repeated name gets a suffix.
  const addExtra = (index: number, name: string): void => {
    let unique = name;
    for (let n = 2; extraNames.has(unique); n++) unique = `${name} (${n})`;
    extraNames.add(unique);
    extras.push({ index, name: unique });
  };
  header.forEach((name, index) => {
    const key = normalise(name);
    const canonical = CANONICAL_COLUMNS.find((c) => ALIASES[c].includes(key));
    if (!canonical) {
      addExtra(index, name);
    } else if (positions[canonical] !== null) {
      conflicts.push(`"${header[positions[canonical]!]}" and "${name}" both map to ${canonical}`);
      addExtra(index, name);
    } else {
      positions[canonical] = index;
    }
  });
  const missing = CANONICAL_COLUMNS.filter((c) => positions[c] === null && !OPTIONAL.has(c));
  if (missing.length > 0 || conflicts.length > 0) return { ok: false, missing, conflicts };
  return { ok: true, mapping: { positions, extras } };
}

/** A stable key: files whose headers map identically can be read by one engine scan. */
export function mappingSignature(header: readonly string[], mapping: ColumnMapping): string {
  return JSON.stringify([header.length, mapping.positions, mapping.extras]);
}
