/**
 * Every error Strata raises on purpose has a stable code from this registry, so the CLI,
 * the API and the logs can name it, and tests can check codes stay unique.
 */
export const ERROR_CODES = {
  STRATA_ERR_CONFIG: 'invalid configuration',
  STRATA_ERR_FILE_NOT_FOUND: 'input path does not exist',
  STRATA_ERR_FILE_UNREADABLE: 'input file could not be read',
  STRATA_ERR_FILE_EMPTY: 'input file is empty',
  STRATA_ERR_FILE_NO_ROWS: 'input file has a header but no data rows',
  STRATA_ERR_FILE_BINARY: 'input file is not text',
  STRATA_ERR_FILE_TYPE: 'input file type is not supported',
  STRATA_ERR_CSV_HEADER: 'header row could not be parsed',
  STRATA_ERR_CSV_COLUMNS: 'required columns are missing',
  STRATA_ERR_CSV_DATE_FORMAT: 'date format is invalid',
  STRATA_ERR_XLSX: 'Excel workbook could not be read',
  STRATA_ERR_ENGINE: 'warehouse query failed',
  STRATA_ERR_WAREHOUSE_LOCKED: 'warehouse is owned by another process',
  STRATA_ERR_QUERY_NOT_READ_ONLY: 'query is not read-only',
  STRATA_ERR_MODEL: 'model could not be built',
  STRATA_ERR_MODEL_CHECK: 'model check failed',
  STRATA_ERR_ACCOUNTING: 'row accounting does not add up',
  STRATA_ERR_RULE: 'quality rule is invalid',
  STRATA_ERR_USAGE: 'command used incorrectly',
  STRATA_ERR_QUERY_TIMEOUT: 'query took too long and was stopped',
  STRATA_ERR_BAD_REQUEST: 'request parameter or body is invalid',
  STRATA_ERR_UNAUTHENTICATED: 'missing or invalid credentials',
  STRATA_ERR_FORBIDDEN: 'role does not allow this',
  STRATA_ERR_NOT_FOUND: 'no such resource',
  STRATA_ERR_CONFLICT: 'request conflicts with the current state',
  STRATA_ERR_IDEMPOTENCY_CONFLICT: 'idempotency key reused with a different request',
  STRATA_ERR_PAYLOAD_TOO_LARGE: 'request body or upload is too large',
  STRATA_ERR_UNSUPPORTED_MEDIA_TYPE: 'content type is not supported',
  STRATA_ERR_RATE_LIMITED: 'too many requests',
  STRATA_ERR_NOT_READY: 'service is not ready',
  STRATA_ERR_INTERNAL: 'internal error',
  STRATA_ERR_STEP_TIMEOUT: 'pipeline step took longer than its timeout',
  STRATA_ERR_CANCELLED: 'run was cancelled',
  STRATA_ERR_ALERT_RULE: 'an alert rule could not be evaluated',
  STRATA_ERR_NOTIFY: 'an alert notification could not be delivered',
  STRATA_ERR_HTTP_SOURCE: 'external HTTP source failed or timed out (worth a retry)',
  STRATA_ERR_HTTP_SOURCE_REJECTED: 'external HTTP source refused the request or sent an unusable page',
  STRATA_ERR_CIRCUIT_OPEN: 'external resource is failing; its circuit breaker is open',
  STRATA_ERR_WORKER_LOST: 'the workers running a queued step died on it too often',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in an input an error was found; line and column are 1-based. */
export interface InputLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number | string;
}

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly location: InputLocation | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; location?: InputLocation; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.location = options.location;
    this.details = options.details;
  }
}

export const isStrataError = (value: unknown): value is StrataError => value instanceof StrataError;

/** `file:line:column` style prefix for a location, as compilers print it. */
export function formatLocation(location: InputLocation): string {
  const parts: string[] = [location.file];
  if (location.line !== undefined) parts.push(String(location.line));
  if (location.column !== undefined) parts.push(String(location.column));
  return parts.join(':');
}

/** One line a person can act on: code, location and message, never a stack trace. */
export function describeError(error: unknown): string {
  if (isStrataError(error)) {
    const where = error.location ? `${formatLocation(error.location)}: ` : '';
    return `${where}${error.message} [${error.code}]`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
