/**
 * The speed layer's current event-time windows (`GET /api/v1/realtime`): per stream, the windows
 * ending in the last `minutes` before its watermark, per country, with whether each is still open
 * (its end plus the allowed lateness is after the watermark, so a late event may still change it).
 */
import type { QuerySource } from './query-source.js';

export const WINDOW_KINDS = ['tumbling_1m', 'sliding_5m'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];
export const REALTIME_MAX_MINUTES = 1440;

export interface RealtimeWindow {
  readonly stream: string;
  readonly window_start: string;
  readonly window_end: string;
  readonly country: string;
  readonly revenue_gbp: number;
  readonly orders: number;
  readonly lines: number;
  readonly late_lines: number;
  readonly open: boolean;
}

export interface RealtimeStream {
  readonly stream: string;
  readonly watermark: string;
  /** Events that arrived after their windows had closed: kept in stream.late_events, not in any window. */
  readonly too_late_events: number;
}

export interface RealtimeReport {
  readonly kind: WindowKind;
  readonly minutes: number;
  readonly allowed_lateness_ms: number;
  readonly streams: readonly RealtimeStream[];
  readonly windows: readonly RealtimeWindow[];
}

export async function realtimeWindows(
  db: QuerySource,
  query: { readonly kind: WindowKind; readonly minutes: number; readonly country?: string | undefined; readonly allowedLatenessMs: number },
): Promise<RealtimeReport> {
  if (!WINDOW_KINDS.includes(query.kind)) throw new Error(`unknown window kind ${String(query.kind)}`);
  const streams = await db.query<RealtimeStream>(
    `SELECT w.stream_name AS stream, strftime(w.watermark, '%Y-%m-%d %H:%M:%S') AS watermark,
            (SELECT count(*) FROM stream.late_events l WHERE l.stream_name = w.stream_name)::INTEGER AS too_late_events
     FROM stream.watermarks w ORDER BY w.stream_name`,
  );
  const windows = await db.query<RealtimeWindow>(
    `SELECT s.stream_name AS stream, strftime(s.window_start, '%Y-%m-%d %H:%M:%S') AS window_start, strftime(s.window_end, '%Y-%m-%d %H:%M:%S') AS window_end,
            s.country, round(s.revenue_gbp, 2)::DOUBLE AS revenue_gbp, s.orders::INTEGER AS orders, s.lines::INTEGER AS lines, s.late_lines::INTEGER AS late_lines,
            s.window_end + to_milliseconds($lateness::BIGINT) > w.watermark AS open
     FROM stream.window_sales s JOIN stream.watermarks w USING (stream_name)
     WHERE s.window_kind = $kind AND s.window_end > w.watermark - to_minutes($minutes::BIGINT)
       AND ($country IS NULL OR s.country = $country)
     ORDER BY s.stream_name, s.window_start DESC, s.revenue_gbp DESC, s.country`,
    { kind: query.kind, minutes: query.minutes, lateness: query.allowedLatenessMs, country: query.country ?? null },
  );
  return { kind: query.kind, minutes: query.minutes, allowed_lateness_ms: query.allowedLatenessMs, streams, windows };
}
