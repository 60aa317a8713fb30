/**
 * The event a till or the web shop publishes: one transaction line with the CSV's fields (text or
 * numbers) plus an event id. Parsing never throws: a message that is not such an event is poison,
 * and the reason says why, so it can be dead-lettered and quarantined.
 */
export const EVENT_FIELDS = ['invoice_no', 'stock_code', 'description', 'quantity', 'invoice_date', 'unit_price', 'customer_id', 'country'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

export interface TransactionEvent {
  readonly event_id: string;
  /** Each field as text exactly as sent (numbers in their JSON spelling); null when sent as null or "". */
  readonly fields: Readonly<Record<EventField, string | null>>;
}

export type ParsedEvent = { readonly kind: 'event'; readonly event: TransactionEvent } | { readonly kind: 'poison'; readonly reason: string };

/** Longest event accepted; a longer message is poison, not a row. */
export const MAX_EVENT_BYTES = 64 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function parseEvent(data: Uint8Array): ParsedEvent {
  if (data.byteLength > MAX_EVENT_BYTES) return { kind: 'poison', reason: `message is ${data.byteLength} bytes, over the ${MAX_EVENT_BYTES}-byte limit` };
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(data));
  } catch (error) {
    return { kind: 'poison', reason: `not valid UTF-8 JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'poison', reason: 'JSON is not an object' };
  const record = value as Record<string, unknown>;
  const eventId = record['event_id'];
  if (typeof eventId !== 'string' || eventId.trim() === '') return { kind: 'poison', reason: 'event_id is missing or not a string' };
  const missing = EVENT_FIELDS.filter((f) => !(f in record));
  if (missing.length) return { kind: 'poison', reason: `missing field(s): ${missing.join(', ')}` };
  const fields = {} as Record<EventField, string | null>;
  for (const field of EVENT_FIELDS) {
    const v = record[field];
    if (v === null || v === '') fields[field] = null;
    else if (typeof v === 'string') fields[field] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) fields[field] = String(v);
    else return { kind: 'poison', reason: `field ${field} is neither text, a number nor null` };
  }
  return { kind: 'event', event: { event_id: eventId, fields } };
}
