/** HTTP status for each error code, and the one JSON error body every failure uses. */
import type { ErrorCode } from '../shared/index.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  STRATA_ERR_BAD_REQUEST: 400,
  STRATA_ERR_QUERY_NOT_READ_ONLY: 400,
  STRATA_ERR_USAGE: 400,
  STRATA_ERR_CSV_HEADER: 422,
  STRATA_ERR_CSV_COLUMNS: 422,
  STRATA_ERR_CSV_DATE_FORMAT: 422,
  STRATA_ERR_FILE_EMPTY: 422,
  STRATA_ERR_FILE_NO_ROWS: 422,
  STRATA_ERR_FILE_BINARY: 422,
  STRATA_ERR_XLSX: 422,
  STRATA_ERR_FILE_TYPE: 415,
  STRATA_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  STRATA_ERR_UNAUTHENTICATED: 401,
  STRATA_ERR_FORBIDDEN: 403,
  STRATA_ERR_NOT_FOUND: 404,
  STRATA_ERR_CONFLICT: 409,
  STRATA_ERR_IDEMPOTENCY_CONFLICT: 409,
  STRATA_ERR_PAYLOAD_TOO_LARGE: 413,
  STRATA_ERR_RATE_LIMITED: 429,
  STRATA_ERR_NOT_READY: 503,
  STRATA_ERR_QUERY_TIMEOUT: 503,
  STRATA_ERR_WAREHOUSE_LOCKED: 503,
};

export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly parameter?: string; readonly request_id: string };
}
