/**
 * End-to-end harness for the dashboard: the real `strata serve` over a copy of the real demo
 * warehouse, users of every role created through the admin API, and Debian's Chromium driven by
 * playwright-core. Also used by bench/web-bench.ts. DOM-free on purpose: code that runs in the
 * page is passed as strings or as functions over `globalThis`, so the root tsconfig needs no DOM lib.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The folder holding Strata's package.json, found upwards from here (works from dist/ too). */
function findProjectRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'strata') return dir;
    if (path.dirname(dir) === dir) throw new Error('cannot find the strata project root');
  }
}

export const projectRoot = findProjectRoot();

export const ROLES = ['viewer', 'analyst', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const PASSWORD = 'dashboard-test-password-1';
export const USERS: Readonly<Record<Role, string>> = { viewer: 'web-viewer', analyst: 'web-analyst', engineer: 'web-engineer', admin: 'admin' };

export const webDist = path.join(projectRoot, 'web', 'dist');
export const artifactsDir = path.join(projectRoot, 'test-artifacts', 'web');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (or STRATA_CHROMIUM). Missing: fails under CI, else null with a loud message. */
export function chromiumPath(): string | null {
  const candidates = [process.env['STRATA_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  const message = `Chromium not found (tried ${candidates.join(', ')}); install it with \`apt-get install -y chromium\` or set STRATA_CHROMIUM.`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING the dashboard browser tests: ${message}\n${'!'.repeat(100)}\n`);
  return null;
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export interface RunningStrata {
  readonly url: string;
  /** Where the dashboard is served (`/` or `/app/`), found by asking the server. */
  readonly appUrl: string;
  readonly tokens: Readonly<Record<Role, string>>;
  /** GET an API path as a role; parsed JSON. */
  api<T = unknown>(pathAndQuery: string, role?: Role): Promise<T>;
  stop(): Promise<void>;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!response.ok) throw new Error(`login as ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The dashboard's address: `/` when the server serves it there, else `/app/`. */
async function findApp(url: string): Promise<string> {
  for (const candidate of [`${url}/`, `${url}/app/`]) {
    const response = await fetch(candidate);
    if (response.ok && (await response.text()).includes('<div id="root">')) return candidate;
  }
  throw new Error(`the server at ${url} serves no dashboard at / or /app/ (is web/dist built? run \`npm run build\`)`);
}

export interface DataDir {
  readonly dataDir: string;
  readonly cleanup: () => void;
}

/** A fresh data folder with the demo data loaded by `strata demo` (the real rows, the real pipeline). */
export async function loadDemoDataDir(): Promise<DataDir> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strata-web-'));
  const cleanup = (): void => rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, '--json', 'demo'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    cleanup();
    throw new Error(`strata demo failed (${code}): ${stderr.slice(-2000)}`);
  }
  return { dataDir, cleanup };
}

/**
 * Starts `strata serve --port 0` over a data folder holding the demo warehouse (by default one
 * loaded here with `strata demo`), creates one user per role, and logs each in.
 */
export async function startStrata(prepare: () => Promise<DataDir> = loadDemoDataDir): Promise<RunningStrata> {
  if (!existsSync(path.join(webDist, 'index.html'))) throw new Error(`${webDist}/index.html is missing: run \`npm run build\` first`);
  const { dataDir, cleanup } = await prepare();
  const child: ChildProcess = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, 'serve', '--port', '0'], {
    cwd: projectRoot,
    env: { ...process.env, STRATA_ADMIN_PASSWORD: PASSWORD, STRATA_API_LOGIN_RATE_LIMIT_MAX: '500', STRATA_API_RATE_LIMIT_MAX: '100000', STRATA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
  try {
    const url = await waitFor('the server to print its URL', 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`strata serve exited (${child.exitCode}):\n${output.slice(-3000)}`);
      return /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0] ?? null;
    });
    const admin = await login(url, USERS.admin, PASSWORD);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const response = await fetch(`${url}/api/v1/admin/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ username: USERS[role], password: PASSWORD, role }),
      });
      if (!response.ok) throw new Error(`creating ${role}: ${response.status} ${await response.text()}`);
    }
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await login(url, USERS[r], PASSWORD)] as const))) as Record<Role, string>;
    const appUrl = await findApp(url);
    return {
      url,
      appUrl,
      tokens,
      async api<T>(pathAndQuery: string, role: Role = 'admin'): Promise<T> {
        const response = await fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${tokens[role]}` } });
        if (!response.ok) throw new Error(`GET ${pathAndQuery} as ${role}: ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, appUrl: string, role: Role): Promise<void> {
  await page.goto(appUrl);
  await page.getByLabel('User name').fill(USERS[role]);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Attached, not visible: narrow screens hide the user name.
  await page.getByTestId('who').waitFor({ state: 'attached' });
}

/**
 * Polls an expression in the page until it is truthy. (Playwright's waitForFunction compiles its
 * predicate with eval in the page, which the server's Content-Security-Policy rightly forbids;
 * page.evaluate goes through the DevTools protocol and is not affected.)
 */
export async function waitInPage<T>(page: Page, expression: string, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(expression)) as T;
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${expression.slice(0, 200)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every chart drawn and nothing loading. */
export const SETTLED = `(() => {
  const busy = document.querySelectorAll('[aria-busy="true"], .state-loading').length;
  const charts = [...document.querySelectorAll('.chart')];
  return busy === 0 && charts.every((c) => c.getAttribute('data-drawn') === 'true');
})()`;

/** Waits until every chart on the page has drawn and nothing is loading. */
export async function settled(page: Page, timeoutMs = 20_000): Promise<void> {
  await waitInPage(page, SETTLED, 'the page to settle', timeoutMs);
}

/**
 * What a chart's canvas holds: the share of pixels drawn on, and how many distinct colours. A
 * chart whose series failed to lay out shows only its legend (little ink, few colours).
 */
export async function canvasStats(page: Page, testId: string): Promise<{ ink: number; colours: number }> {
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector('[data-testid="${testId}"] canvas');
    if (!canvas) return { ink: 0, colours: 0 };
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) {
        ink++;
        colours.add((data[i] >> 4) * 256 + (data[i + 1] >> 4) * 16 + (data[i + 2] >> 4));
      }
    }
    return { ink: ink / (data.length / 4), colours: colours.size };
  })()`)) as { ink: number; colours: number };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  // From the top: a full-page shot of a scrolled page repeats the sticky header mid-image.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Name of the performance mark the Overview sets once its charts are drawn (web/src/pages/overview-page.tsx). */
export const OVERVIEW_DRAWN_MARK = 'strata:overview-drawn';

/**
 * Milliseconds from navigation start to the Overview's charts being drawn, on a fresh page load
 * (the session already in localStorage), read from the browser's Performance API.
 */
export async function overviewDrawMs(page: Page, appUrl: string): Promise<number> {
  // Leave the app first: a hash-only change would be a same-document navigation, not a load.
  await page.goto('about:blank');
  await page.goto(`${appUrl}#/overview`, { waitUntil: 'commit' });
  const startTime = await waitInPage<number | null>(
    page,
    `(() => { const m = performance.getEntriesByName(${JSON.stringify(OVERVIEW_DRAWN_MARK)})[0]; return m ? m.startTime : null; })()`,
    'the Overview charts to be drawn',
    30_000,
  );
  return Number(startTime);
}

export interface BundleReport {
  /** Gzipped bytes loaded by index.html before any page chunk: entry, its static imports, CSS. */
  readonly initialGzip: number;
  /** Gzipped bytes for a first visit to the Overview: the above plus its page chunk and ECharts. */
  readonly overviewGzip: number;
  /** Files holding ECharts code (the chunks charts/echarts-setup.ts and echarts-extras.ts pull in, and no page). */
  readonly chartFiles: readonly string[];
  readonly files: readonly { readonly file: string; readonly gzip: number; readonly initial: boolean }[];
}

interface ManifestChunk {
  readonly file: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
  readonly css?: readonly string[];
}

/** Measures the built dashboard from Vite's manifest (web/dist/.vite/manifest.json). */
export function measureBundle(dist = webDist): BundleReport {
  const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const gz = new Map<string, number>();
  const gzip = (file: string): number => {
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length);
    return gz.get(file)!;
  };
  const closure = (keys: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (key: string): void => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of manifest[key]?.imports ?? []) visit(next);
    };
    keys.forEach(visit);
    return seen;
  };
  const filesOf = (keys: Set<string>): Set<string> => new Set([...keys].flatMap((k) => [manifest[k]!.file, ...(manifest[k]!.css ?? [])]));
  const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry);
  const initial = filesOf(closure(entries));
  const pageKey = Object.keys(manifest).find((k) => k.endsWith('overview-page.tsx'));
  const chartsKey = Object.keys(manifest).find((k) => k.endsWith('echarts-setup.ts'));
  if (!pageKey || !chartsKey) throw new Error('the manifest has no overview-page or echarts-setup chunk');
  const overview = filesOf(closure([...entries, pageKey, chartsKey]));
  const sum = (files: Set<string>): number => [...files].reduce((s, f) => s + gzip(f), 0);
  const extrasKey = Object.keys(manifest).find((k) => k.endsWith('echarts-extras.ts'));
  const chartFiles = filesOf(closure([chartsKey, ...(extrasKey ? [extrasKey] : [])]));
  const all = Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]);
  return {
    initialGzip: sum(initial),
    overviewGzip: sum(overview),
    chartFiles: [...chartFiles],
    files: [...new Set(all)].map((file) => ({ file, gzip: gzip(file), initial: initial.has(file) })).sort((a, b) => b.gzip - a.gzip),
  };
}
