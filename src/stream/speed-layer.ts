/**
 * Event-time windows per country (tumbling 1 minute, sliding 5 minutes every minute) maintained
 * from each micro-batch inside its bronze transaction, so windows count each event exactly once.
 * Only the windows a micro-batch touches are recomputed, from stream.window_events.
 */
import type { WarehouseSession } from '../engine/index.js';

/** Event time of a raw row: ISO text, else the configured short-date order. */
const eventTime = (order: 'mdy' | 'dmy'): string =>
  `coalesce(TRY_CAST(trim(invoice_date) AS TIMESTAMP),
            try_strptime(translate(trim(invoice_date), '.-', '//'), ${order === 'mdy' ? "['%m/%d/%Y %H:%M', '%m/%d/%y %H:%M', '%m/%d/%Y %H:%M:%S']" : "['%d/%m/%Y %H:%M', '%d/%m/%y %H:%M', '%d/%m/%Y %H:%M:%S']"}))`;

export interface WindowUpdate {
  readonly onTime: number;
  readonly late: number;
  readonly tooLate: number;
  readonly watermark: string | null;
}

/** Reads the new rows of `_stream_in` (fate = 'new', parsed). */
export async function updateWindows(tx: WarehouseSession, stream: string, allowedLatenessMs: number, order: 'mdy' | 'dmy'): Promise<WindowUpdate> {
  await tx.execute(
    `CREATE OR REPLACE TEMP TABLE _window_in AS
     WITH typed AS (
       SELECT seq, ${eventTime(order)} AS event_time, coalesce(nullif(trim(country), ''), 'Unspecified') AS country, trim(invoice_no) AS invoice_no,
              TRY_CAST(trim(quantity) AS DECIMAL(18, 4)) * TRY_CAST(trim(unit_price) AS DECIMAL(18, 4)) AS line_total_gbp,
              TRY_CAST(trim(quantity) AS DECIMAL(18, 4)) AS quantity,
              -- the customer as gold keys it: a whole number, else -1 (guest)
              coalesce(CASE WHEN TRY_CAST(trim(customer_id) AS DOUBLE) = floor(TRY_CAST(trim(customer_id) AS DOUBLE))
                                 AND TRY_CAST(trim(customer_id) AS DOUBLE) BETWEEN 0 AND 9e15
                            THEN TRY_CAST(trim(customer_id) AS DOUBLE)::BIGINT END, -1) AS customer_key
       FROM _stream_in WHERE fate = 'new' AND parse_error IS NULL
     ),
     mark AS (SELECT max(watermark) AS watermark FROM stream.watermarks WHERE stream_name = $stream)
     SELECT t.*, m.watermark,
            m.watermark IS NOT NULL AND t.event_time < m.watermark AS is_late,
            -- The event's last window (its tumbling minute) closed: it can no longer change any result.
            m.watermark IS NOT NULL AND time_bucket(INTERVAL 1 MINUTE, t.event_time) + INTERVAL 1 MINUTE + to_milliseconds($lateness::BIGINT) <= m.watermark AS too_late
     FROM typed t CROSS JOIN mark m
     WHERE t.event_time IS NOT NULL AND t.line_total_gbp IS NOT NULL AND t.invoice_no IS NOT NULL`,
    { stream, lateness: allowedLatenessMs },
  );
  await tx.execute(
    `INSERT INTO stream.late_events
     SELECT $stream, seq, event_time, watermark, country, line_total_gbp, now() FROM _window_in WHERE too_late`,
    { stream },
  );
  await tx.execute(
    `INSERT INTO stream.window_events (stream_name, stream_seq, event_time, country, invoice_no, line_total_gbp, is_late, quantity, customer_key)
     SELECT $stream, seq, event_time, country, invoice_no, line_total_gbp, is_late, quantity, customer_key FROM _window_in WHERE NOT too_late`,
    { stream },
  );
  // Windows touched: the tumbling minute of each event and the five sliding windows that contain it.
  await tx.execute(
    `CREATE OR REPLACE TEMP TABLE _touched AS
     SELECT DISTINCT kind, window_start, window_start + CASE kind WHEN 'tumbling_1m' THEN INTERVAL 1 MINUTE ELSE INTERVAL 5 MINUTE END AS window_end, country
     FROM (
       SELECT 'tumbling_1m' AS kind, time_bucket(INTERVAL 1 MINUTE, event_time) AS window_start, country FROM _window_in WHERE NOT too_late
       UNION ALL
       SELECT 'sliding_5m', time_bucket(INTERVAL 1 MINUTE, event_time) - to_minutes(k), country
       FROM _window_in, range(0, 5) AS r(k) WHERE NOT too_late
     )`,
  );
  await tx.execute(
    `DELETE FROM stream.window_sales w USING _touched t
     WHERE w.stream_name = $stream AND w.window_kind = t.kind AND w.window_start = t.window_start AND w.country = t.country`,
    { stream },
  );
  // Each stored event is expanded to the windows containing it (its minute, and the five sliding
  // windows starting 0-4 minutes before it) and joined to the touched windows by equality: a hash
  // join, where a range join on event_time compared every window of a country with every event.
  await tx.execute(
    `INSERT INTO stream.window_sales
     SELECT $stream, t.kind, t.window_start, t.window_end, t.country,
            sum(e.line_total_gbp), count(DISTINCT e.invoice_no) FILTER (WHERE NOT upper(e.invoice_no) LIKE 'C%'),
            count(*), count(*) FILTER (WHERE e.is_late), now()
     FROM (SELECT w.kind, w.window_start, e.country, e.invoice_no, e.line_total_gbp, e.is_late
           FROM (SELECT *, time_bucket(INTERVAL 1 MINUTE, event_time) AS minute FROM stream.window_events
                 -- the span of the touched windows: events are stored roughly in time order, so old row groups are skipped
                 WHERE stream_name = $stream AND event_time >= (SELECT min(window_start) FROM _touched) AND event_time < (SELECT max(window_end) FROM _touched)) e,
                unnest([{'kind': 'tumbling_1m', 'window_start': minute}, {'kind': 'sliding_5m', 'window_start': minute},
                        {'kind': 'sliding_5m', 'window_start': minute - INTERVAL 1 MINUTE}, {'kind': 'sliding_5m', 'window_start': minute - INTERVAL 2 MINUTE},
                        {'kind': 'sliding_5m', 'window_start': minute - INTERVAL 3 MINUTE}, {'kind': 'sliding_5m', 'window_start': minute - INTERVAL 4 MINUTE}]) AS u(w)) e
     JOIN _touched t ON t.kind = e.kind AND t.window_start = e.window_start AND t.country = e.country
     GROUP BY ALL`,
    { stream },
  );
  const [summary] = await tx.query<{ on_time: number; late: number; too_late: number }>(
    `SELECT count(*) FILTER (WHERE NOT is_late)::INTEGER AS on_time, count(*) FILTER (WHERE is_late AND NOT too_late)::INTEGER AS late,
            count(*) FILTER (WHERE too_late)::INTEGER AS too_late
     FROM _window_in`,
  );
  const [mark] = await tx.query<{ watermark: string | null }>(
    `INSERT OR REPLACE INTO stream.watermarks
     SELECT $stream, greatest(max(event_time), coalesce((SELECT max(watermark) FROM stream.watermarks WHERE stream_name = $stream), max(event_time))), now()
     FROM _window_in HAVING count(*) > 0
     RETURNING watermark::VARCHAR AS watermark`,
    { stream },
  );
  return { onTime: summary?.on_time ?? 0, late: summary?.late ?? 0, tooLate: summary?.too_late ?? 0, watermark: mark?.watermark ?? null };
}
