/**
 * Pages through an HTTP source and lands each page as a CSV file (rows under the page's own field
 * names, so ingest maps synonyms and keeps extra fields as schema drift) with the raw JSON beside
 * it. Ingest then loads the files as it loads any file: one batch per page, keyed by content, so
 * pulling the same pages again loads nothing. The pull's position survives a failed attempt: the
 * executor's retry continues with the page that failed, not from the first one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpSourceSettings } from '../../config/index.js';
import { recordsToCsv } from '../../ingest/index.js';
import { StrataError } from '../../shared/index.js';
import type { ExternalResource } from '../resilience/index.js';
import { requestPage, type PageResponse } from './page-request.js';

export interface PulledPage {
  /** 1-based, in pull order; also the partition recorded for the page's rows. */
  readonly index: number;
  readonly url: string;
  readonly rows: number;
  readonly file: string | null;
}

export interface PullProgress {
  /** The next page to fetch; null once the source has no more. */
  nextUrl: string | null;
  readonly pages: PulledPage[];
  readonly cursorsSeen: Set<string>;
  requests: number;
}

export interface PullTarget {
  readonly name: string;
  readonly settings: HttpSourceSettings;
  readonly resource: ExternalResource;
  /** Folder the page files are written to (created if needed). */
  readonly dir: string;
  /** Header name and value carrying the credential, if the source has one. */
  readonly auth: readonly [string, string] | null;
}

export function firstPageUrl(settings: HttpSourceSettings): string {
  const url = new URL(settings.url);
  url.searchParams.set(settings.pageSizeParam, String(settings.pageSize));
  return url.toString();
}

export const startPull = (settings: HttpSourceSettings): PullProgress => ({ nextUrl: firstPageUrl(settings), pages: [], cursorsSeen: new Set(), requests: 0 });

const field = (body: unknown, name: string): unknown => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined);

function itemsOf(page: PageResponse, target: PullTarget, index: number): Record<string, unknown>[] {
  const items = Array.isArray(page.body) ? page.body : field(page.body, target.settings.itemsField);
  const where = `${target.name}: page ${index} (${new URL(page.url).pathname}${new URL(page.url).search})`;
  if (!Array.isArray(items)) throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${where}: no "${target.settings.itemsField}" array in the body`);
  const bad = items.findIndex((item) => !item || typeof item !== 'object' || Array.isArray(item));
  if (bad >= 0) throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${where}: item ${bad} is not an object`);
  return items as Record<string, unknown>[];
}

function nextOf(page: PageResponse, target: PullTarget, progress: PullProgress): string | null {
  const { settings } = target;
  if (settings.paging === 'link') {
    const link = field(page.body, settings.nextLinkField);
    if (typeof link === 'string' && link) return new URL(link, page.url).toString();
    return page.linkNext;
  }
  const cursor = field(page.body, settings.nextCursorField);
  if (cursor === null || cursor === undefined || cursor === '') return null;
  if (typeof cursor !== 'string' && typeof cursor !== 'number') {
    throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${target.name}: "${settings.nextCursorField}" is neither text nor a number`);
  }
  const text = String(cursor);
  if (progress.cursorsSeen.has(text)) throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${target.name}: the source returned cursor ${JSON.stringify(text)} twice (a paging loop)`);
  progress.cursorsSeen.add(text);
  const url = new URL(settings.url);
  url.searchParams.set(settings.pageSizeParam, String(settings.pageSize));
  url.searchParams.set(settings.cursorParam, text);
  return url.toString();
}

/** Fetches and lands pages from `progress.nextUrl` on, advancing `progress` after each landed page. */
export async function pullPages(target: PullTarget, progress: PullProgress, signal: AbortSignal): Promise<void> {
  await mkdir(target.dir, { recursive: true });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.auth) headers[target.auth[0]] = target.auth[1];
  while (progress.nextUrl) {
    if (progress.pages.length >= target.settings.maxPages) {
      throw new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', `${target.name}: more than maxPages (${target.settings.maxPages}) pages; raise it if the source is really that long`);
    }
    const index = progress.pages.length + 1;
    progress.requests++;
    const page = await requestPage({ url: progress.nextUrl, headers, timeoutMs: target.settings.requestTimeoutMs, signal, resource: target.resource, source: target.name });
    const items = itemsOf(page, target, index);
    const next = nextOf(page, target, progress);
    let file: string | null = null;
    if (items.length) {
      const base = path.join(target.dir, `${target.name}-${String(index).padStart(5, '0')}`);
      await writeFile(`${base}.page.json`, page.text, 'utf8');
      file = `${base}.csv`;
      await writeFile(file, recordsToCsv(items), 'utf8');
    }
    progress.pages.push({ index, url: page.url, rows: items.length, file });
    progress.nextUrl = next;
  }
}
