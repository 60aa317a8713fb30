/**
 * One page request to an external source, through the resource's rate budget and circuit breaker,
 * with its own timeout. The outcome is classified for the executor: a server failure, a timeout
 * or a 429 is worth a retry (STRATA_ERR_HTTP_SOURCE, with the server's Retry-After); a refusal
 * (4xx) or a body that is not a page is not (STRATA_ERR_HTTP_SOURCE_REJECTED). Only server
 * failures and timeouts count against the breaker. Credentials never appear in a message.
 */
import { StrataError, isStrataError } from '../../shared/index.js';
import type { ExternalResource } from '../resilience/index.js';

export interface PageResponse {
  readonly url: string;
  readonly body: unknown;
  /** The raw body, kept beside the landed rows for tracing. */
  readonly text: string;
  /** The `rel="next"` target of a Link header, if any. */
  readonly linkNext: string | null;
}

export interface PageRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly resource: ExternalResource;
  /** The source's name, for messages. */
  readonly source: string;
}

/** Seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function linkNext(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel\s*=\s*"?next"?/i.test(match[2]!)) return new URL(match[1]!, base).toString();
  }
  return null;
}

/** The URL as it may be shown: no user info (query parameters are paging only). */
const shown = (url: string): string => {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
};

const countsAgainstResource = (error: unknown): boolean => isStrataError(error) && error.code === 'STRATA_ERR_HTTP_SOURCE' && error.details?.['breaker'] === true;

export async function requestPage(request: PageRequest): Promise<PageResponse> {
  const { resource, signal } = request;
  await resource.budget.take(signal);
  return resource.breaker.call(async () => {
    const where = `${request.source}: GET ${shown(request.url)}`;
    const timeout = AbortSignal.timeout(request.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, { headers: request.headers, signal: AbortSignal.any([signal, timeout]), redirect: 'manual' });
      text = await response.text();
    } catch (error) {
      // The step was cancelled or timed out: that says nothing about the server.
      if (signal.aborted) throw isStrataError(signal.reason) ? signal.reason : new StrataError('STRATA_ERR_CANCELLED', 'the run was cancelled', { cause: error });
      const reason = timeout.aborted ? `no answer within ${request.timeoutMs} ms` : `could not connect (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)})`;
      throw new StrataError('STRATA_ERR_HTTP_SOURCE', `${where}: ${reason}`, { details: { breaker: true, url: shown(request.url) } });
    }
    const wait = retryAfterMs(response.headers.get('retry-after'));
    if (response.status === 429) {
      // The server's limit is shared by every caller of the resource: they all hold back.
      resource.budget.pause(wait ?? 1000);
      throw new StrataError('STRATA_ERR_HTTP_SOURCE', `${where}: 429 Too Many Requests (retry after ${wait ?? 1000} ms)`, {
        details: { status: 429, retryAfterMs: wait ?? 1000, breaker: false },
      });
    }
    if (response.status >= 500) {
      throw new StrataError('STRATA_ERR_HTTP_SOURCE', `${where}: server error ${response.status}`, {
        details: { status: response.status, breaker: true, ...(wait !== null ? { retryAfterMs: wait } : {}) },
      });
    }
    if (!response.ok) {
      throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${where}: ${response.status} ${response.statusText}${response.status === 401 || response.status === 403 ? ' (check the credential in the source\'s authEnv variable)' : ''}`, {
        details: { status: response.status },
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      // JSON.parse names the offending position, which is what the source's owner needs to fix it.
      throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${where}: the page is not JSON (${response.headers.get('content-type') ?? 'no content type'}): ${(error as Error).message}`);
    }
    return { url: request.url, body, text, linkNext: linkNext(response.headers.get('link'), request.url) };
  }, countsAgainstResource);
}
