/**
 * Page-level helpers for the dashboard tests: a headless Chromium page on a
 * backend's origin, screenshots, and locators that speak the dashboard's
 * markup (not the fake server's data).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { SCREENSHOTS } from './build.js';
import { launchChromium } from './chromium.js';

export interface DashboardTest {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** console errors and page errors seen so far */
  errors: string[];
  /** navigate to a view (`seats`, `report`, `flows`), optional extra fragment */
  open(view?: string, fragmentExtra?: string): Promise<void>;
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startDashboardTest(baseUrl: string, options: { width?: number; height?: number } = {}): Promise<DashboardTest> {
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    acceptDownloads: true,
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource.*(503|401)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    context,
    page,
    errors,
    async open(view = 'seats', fragmentExtra = '') {
      await page.goto(`${baseUrl}/#${view}${fragmentExtra ? `&${fragmentExtra}` : ''}`);
      await page.locator('header.top h1').waitFor();
    },
    async screenshot(name, opts = {}) {
      const path = `${SCREENSHOTS}${name}.png`;
      await page.screenshot({ path, fullPage: opts.fullPage ?? false });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      await browser.close().catch(() => {});
    },
  };
}

export type Rgb = [number, number, number];

/**
 * Colours of points of a saved screenshot (CSS pixels of the page, device
 * scale 1), decoded from the PNG file: what the picture shows, not what the DOM says.
 */
export function screenshotPixels(path: string, points: ReadonlyArray<{ x: number; y: number }>): Rgb[] {
  const png = PNG.sync.read(readFileSync(path));
  return points.map(({ x, y }) => {
    const i = (png.width * Math.round(y) + Math.round(x)) * 4;
    return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
  });
}

/** "#b91c1c" as [185, 28, 28]. */
export const rgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;

/** The tile of the agent shown under this name. */
export function tile(page: Page, name: string): Locator {
  return page.locator('li.tile').filter({ has: page.locator('.name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) });
}

export const tiles = (page: Page): Locator => page.locator('ul.tiles > li.tile');

export async function counter(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`[data-counter="${key}"] .count`).textContent());
}

/** Seconds shown by an "m:ss" / "h:mm:ss" label. */
export function parseClock(text: string | null): number {
  const parts = (text ?? '').trim().split(':').map(Number);
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}

export interface PageStats {
  ticks: number;
  lastTickMs: number;
  maxTickMs: number;
  timerWrites: number;
  tileRenders: number;
}

export const pageStats = (page: Page): Promise<PageStats> => page.evaluate('({ ...window.__switchboard.stats })') as Promise<PageStats>;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits CSV text (RFC 4180) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
