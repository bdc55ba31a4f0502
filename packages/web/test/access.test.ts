import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from './support/build.js';
import { ensureChromium } from './support/chromium.js';
import { startDashboardTest, tiles, type DashboardTest } from './support/dashboard.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';

const TOKEN = 'tok-7f3a9c';

describe('API base URL, bearer token and banners (headless Chromium)', () => {
  let site: FakeApi;
  let api: FakeApi;
  let dash: DashboardTest;

  beforeAll(async () => {
    ensureChromium();
    ensureDist();
    // the static site on one origin, the API (token required, stale projections) on another
    site = await startFakeApi();
    api = await startFakeApi({ token: TOKEN, config: { stale: true } });
    dash = await startDashboardTest(site.url);
    await dash.page.addInitScript(`window.SWITCHBOARD_API = ${JSON.stringify(api.url)};`);
  }, 900_000);

  afterAll(async () => {
    await dash?.close();
    await api?.close();
    await site?.close();
  });

  it('reads the token from the URL fragment, sends it, and forgets it from the address bar', async () => {
    const { page } = dash;
    const authorizations: Array<string | undefined> = [];
    const streamUrls: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(api.url)) return;
      if (r.url().includes('/api/stream')) streamUrls.push(r.url());
      else if (r.method() === 'GET') authorizations.push(r.headers().authorization);
    });
    await dash.open('seats', `token=${TOKEN}`);
    await expect.poll(() => tiles(page).count()).toBeGreaterThan(20);
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('open');
    expect(new URL(page.url()).hash).toBe('#seats');
    expect(authorizations.length).toBeGreaterThan(0);
    expect(new Set(authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(streamUrls.length).toBeGreaterThan(0);
    expect(new URL(streamUrls[0]!).searchParams.get('token')).toBe(TOKEN);
    expect(site.requests.filter((r) => r.startsWith('/api/'))).toEqual([]);
  });

  it('remembers the token across reloads', async () => {
    const { page } = dash;
    await page.reload();
    await expect.poll(() => tiles(page).count()).toBeGreaterThan(20);
  });

  it('also takes the token from ?token= in the query string', async () => {
    const { page } = dash;
    await page.evaluate('localStorage.clear()');
    await page.goto(`${site.url}/?token=${TOKEN}#flows`);
    await expect.poll(() => page.locator('table[data-table="funnel"] tbody tr').count()).toBeGreaterThan(2);
    // the token is gone from the address bar; the view (and the day it shows) stay
    expect(page.url()).not.toContain('token');
    expect(new URL(page.url()).hash).toMatch(/^#flows(&date=\d{4}-\d{2}-\d{2})?$/);
  });

  it('shows the stale-projections banner', async () => {
    const banner = dash.page.locator('[data-banner="stale"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('run switchboard rebuild');
    await dash.screenshot('banner-stale');
  });

  it('explains a missing or wrong token', async () => {
    const { page } = dash;
    await dash.open('report', 'token=wrong');
    const error = page.locator('[data-banner="config"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('401');
    expect(await error.textContent()).toContain('#token=');
    await page.locator('[data-banner="stream"]').waitFor({ timeout: 10_000 });
    await dash.screenshot('banner-unauthorized');
  });
});
