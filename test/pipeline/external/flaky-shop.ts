/**
 * A real HTTP server (node:http on an ephemeral port) that serves transactions page by page, by
 * cursor or by Link header, and misbehaves on purpose when told: 500s, 429 with Retry-After,
 * pages that never answer, slow pages, pages held until the test lets them go. It records every
 * request it sees.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly status: number; readonly retryAfter?: string }
  | { readonly hangMs: number }
  | { readonly delayMs: number }
  | { readonly body: string }
  /** Answered once `until` settles: a client held mid-pull for as long as the test needs. */
  | { readonly until: Promise<void> };

export interface SeenRequest {
  readonly path: string;
  readonly page: number;
  readonly auth: string | undefined;
  readonly at: number;
}

export interface FlakyShop {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Decides, per request, whether page `page` (1-based) misbehaves on its `nth` request (1-based). */
  faults: (page: number, nth: number, path: string) => Fault | null;
  /** Forgets the requests seen and the per-page counts, and sets new faults. */
  reset(faults?: FlakyShop['faults']): void;
  close(): Promise<void>;
}

/** Rows shaped as a shop's API would send them (CSV field names, numbers as numbers). */
export function shopRows(count: number, seed = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    InvoiceNo: String(580000 + seed * 1000 + Math.floor(i / 3)),
    StockCode: ['85123A', '71053', '22423'][i % 3],
    Description: ['WHITE HANGING HEART T-LIGHT HOLDER', 'WHITE METAL LANTERN', 'REGENCY CAKESTAND 3 TIER'][i % 3],
    Quantity: (i % 5) + 1,
    InvoiceDate: `2011-12-0${(i % 5) + 1} 10:${String(i % 60).padStart(2, '0')}:00`,
    UnitPrice: [2.55, 3.39, 12.75][i % 3],
    CustomerID: i % 4 === 0 ? null : 17000 + (i % 7),
    Country: i % 2 ? 'France' : 'United Kingdom',
  }));
}

/** `/a`, `/b`, ...: data sets by path; `?cursor=N` pages them (cursor = offset) or the Link header does (`/x?page=N`). */
export async function startFlakyShop(data: Readonly<Record<string, readonly Record<string, unknown>[]>>): Promise<FlakyShop> {
  const requests: SeenRequest[] = [];
  const counts = new Map<string, number>();
  const shop: Omit<FlakyShop, 'url' | 'close' | 'reset'> = { requests, faults: () => null };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.test');
    const rows = data[url.pathname];
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const byLink = url.searchParams.has('page') || url.pathname.endsWith('-link');
    const offset = byLink ? (Number(url.searchParams.get('page') ?? 1) - 1) * limit : Number(url.searchParams.get('cursor') ?? 0);
    const page = Math.floor(offset / limit) + 1;
    requests.push({ path: `${url.pathname}${url.search}`, page, auth: req.headers['authorization'], at: Date.now() });
    const key = `${url.pathname}#${page}`;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    const fault = shop.faults(page, nth, url.pathname);
    const answer = (): void => {
      if (!rows) {
        res.writeHead(404).end('{"error":"no such list"}');
        return;
      }
      const slice = rows.slice(offset, offset + limit);
      const more = offset + limit < rows.length;
      if (byLink) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (more) headers['link'] = `<${url.pathname}?limit=${limit}&page=${page + 1}>; rel="next"`;
        res.writeHead(200, headers).end(JSON.stringify({ data: slice }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: slice, next_cursor: more ? String(offset + limit) : null }));
      }
    };
    if (!fault) return answer();
    if ('status' in fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) }).end('{"error":"on purpose"}');
    } else if ('body' in fault) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
    } else if ('hangMs' in fault) {
      const timer = setTimeout(answer, fault.hangMs);
      res.on('close', () => clearTimeout(timer));
    } else if ('until' in fault) {
      void fault.until.then(() => (res.destroyed ? undefined : answer()));
    } else {
      setTimeout(answer, fault.delayMs);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(shop as FlakyShop, {
    url: `http://127.0.0.1:${port}`,
    reset(faults: FlakyShop['faults'] = () => null) {
      requests.length = 0;
      counts.clear();
      shop.faults = faults;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
