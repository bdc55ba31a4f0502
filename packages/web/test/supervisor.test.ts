/**
 * A supervisor's first hour with 1,000 agents: the counters stay in view,
 * compact tiles and a wallboard fit the centre on a screen or two, an
 * "alerting" counter finds who is over a threshold, a logged-out agent says
 * when they left, the report opens on the day the store knows about, and
 * what is on screen lives in the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../core/src/api/views.js';
import { ensureDist } from './support/build.js';
import { ensureChromium } from './support/chromium.js';
import { counter, rgb, screenshotPixels, startDashboardTest, tile, tiles, type DashboardTest } from './support/dashboard.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { CONFIG, makeAgent, manyAgents } from './support/fixtures.js';

const N = 1000;
const HOUR = 3_600_000;
/** The store's last event: 17:00 in Tokyo on 18 April 2024, long before the test runs. */
const LAST_EVENT = '2024-04-18T08:00:00.000Z';

/** Over a threshold of the fixture's rules (CONFIG.alerts) at `t`: computed from the agents, not by the dashboard's code. */
function overThreshold(a: AgentView, t: number): boolean {
  if (!a.loggedIn) return false;
  const age = (iso: string) => (t - Date.parse(iso)) / 1000;
  const { holdSeconds = Infinity, afterContactWorkSeconds = Infinity, statusSeconds } = CONFIG.alerts;
  return (
    a.contacts.some((c) => (c.state === 'CONNECTED_ONHOLD' && age(c.since) >= holdSeconds) || (c.state === 'ENDED' && age(c.since) >= afterContactWorkSeconds)) ||
    (a.status !== null && statusSeconds[a.status.name] !== undefined && age(a.status.since) >= statusSeconds[a.status.name]!)
  );
}

/** "2024/04/18 21:09": a time as the Japanese centre reads it, in Asia/Tokyo (UTC+9 all year). */
const tokyoMinute = (t: number) => new Date(t + 9 * HOUR).toISOString().slice(0, 16).replace(/-/g, '/').replace('T', ' ');

describe('a supervisor with 1,000 agents (headless Chromium)', () => {
  let api: FakeApi;
  let dash: DashboardTest;
  let agents: AgentView[];
  /** when the fixture's agent logged out */
  const leftAt = (username: string) => Date.parse(agents.find((a) => a.username === username)!.activity!.since);

  beforeAll(async () => {
    ensureChromium();
    ensureDist();
    const now = Date.now();
    agents = [
      ...manyAgents(N - 6, now),
      // names as long as a Connect centre's (the simulator's longest): compact tiles show them whole too
      makeAgent({ username: 'satoshi.matsumoto2', statusAgo: 200 }, now),
      makeAgent({ username: 'chiharu.hashimoto3', statusAgo: 20 }, now),
      // at lunch for three hours: a long time beside the name
      makeAgent({ username: 'agent1000', status: 'Lunch', statusAgo: 3 * 3600 + 125 }, now),
      // logged out 23,033 hours ago (old data), three days ago, and a minute ago
      makeAgent({ username: 'zz.long.gone', loggedIn: false, statusAgo: 23_033 * 3600, activityAgo: 23_033 * 3600 }, now),
      makeAgent({ username: 'zz.days.ago', loggedIn: false, statusAgo: 72 * 3600, activityAgo: 72 * 3600 }, now),
      makeAgent({ username: 'zz.left.today', loggedIn: false, statusAgo: 60, activityAgo: 60 }, now),
    ];
    api = await startFakeApi({ agents, lastEventAt: LAST_EVENT });
    dash = await startDashboardTest(api.url);
  }, 900_000);

  afterAll(async () => {
    await dash?.close();
    await api?.close();
  });

  it('keeps the counters in view while a thousand tiles scroll under them', async () => {
    const { page } = dash;
    await dash.open('seats');
    await expect.poll(() => tiles(page).count(), { timeout: 20_000 }).toBe(N);
    expect(await page.locator('.seatmap .shown').textContent()).toBe('1,000 agents');
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await expect.poll(() => page.evaluate('window.scrollY')).toBeGreaterThan(5000);
    const box = (await page.locator('.counters').boundingBox())!;
    // right under the header (52 px), whole, and not covered by tiles
    expect(box.y).toBeGreaterThanOrEqual(52);
    expect(box.y).toBeLessThan(90);
    const hit = await page.evaluate(`document.elementFromPoint(${box.x + 30}, ${box.y + box.height / 2})?.closest('[data-counter]')?.getAttribute('data-counter')`);
    expect(hit).toBe('loggedIn');
    expect(await counter(page, 'loggedIn')).toBe(agents.filter((a) => a.loggedIn).length);
    // the picture shows the counter (white), not a tile scrolled under it
    const shot = await dash.screenshot('supervisor-1000-scrolled');
    const [inCounter] = screenshotPixels(shot, [{ x: box.x + box.width - 8, y: box.y + box.height / 2 }]);
    expect(inCounter).toEqual(rgb('#ffffff'));
  });

  it('counts the agents over a threshold, and the counter filters to them', async () => {
    const { page } = dash;
    await page.evaluate('window.scrollTo(0, 0)');
    const expected = () => agents.filter((a) => overThreshold(a, Date.now())).length;
    expect(expected()).toBeGreaterThan(50);
    // agents keep crossing thresholds while the test runs: a few may be a second apart (more on a busy machine, for a moment)
    await expect.poll(async () => Math.abs((await counter(page, 'alerting')) - expected()), { timeout: 10_000 }).toBeLessThanOrEqual(3);
    await page.locator('[data-counter="alerting"]').click();
    await expect.poll(() => page.locator('[data-counter="alerting"]').getAttribute('aria-pressed')).toBe('true');
    const n = await counter(page, 'alerting');
    await expect.poll(async () => Math.abs((await tiles(page).count()) - n)).toBeLessThanOrEqual(2);
    // every tile shown is one with an alert
    expect(await page.locator('ul.tiles > li.tile:not(.alerting)').count()).toBe(0);
    expect(new URL(page.url()).hash).toContain('show=alerting');
    await dash.screenshot('supervisor-1000-alerting');
    await page.locator('[data-counter="alerting"]').click();
    await expect.poll(() => tiles(page).count()).toBe(N);
  });

  it('shows a logged-out agent when they logged out, not a timer of thousands of hours', async () => {
    const { page } = dash;
    const gone = tile(page, 'zz.long.gone');
    await gone.scrollIntoViewIfNeeded();
    expect(await gone.locator('.chip').textContent()).toBe('Logged out');
    // the centre is Japanese (phone region JP): yyyy/MM/dd HH:mm in Asia/Tokyo; the time of today alone
    expect(await gone.locator('.t-loggedout').textContent()).toBe(`since ${tokyoMinute(leftAt('zz.long.gone'))}`);
    expect(await tile(page, 'zz.days.ago').locator('.t-loggedout').textContent()).toBe(`since ${tokyoMinute(leftAt('zz.days.ago'))}`);
    expect(await tile(page, 'zz.left.today').locator('.t-loggedout').textContent()).toBe(`since ${tokyoMinute(leftAt('zz.left.today')).slice(11)}`);
    // no tile anywhere counts hours into the thousands
    const texts = await page.locator('ul.tiles').textContent();
    expect(texts).not.toMatch(/\d{3,}:\d{2}:\d{2}/);
    await dash.screenshot('supervisor-logged-out');
  });

  it('fits a thousand agents in a few screens with compact tiles', async () => {
    const { page } = dash;
    const detailed = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    await page.getByLabel('Tiles').selectOption('compact');
    await expect.poll(() => page.locator('ul.tiles.compact').count()).toBe(1);
    const compact = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    expect(await tiles(page).count()).toBe(N);
    expect(compact).toBeLessThan(detailed / 4);
    // about five screens: six columns of names as long as 'chiharu.hashimoto3' and a time beside each
    expect(compact).toBeLessThan(5.5 * 900);
    // a compact tile is one line: its name and time are both there
    const kenji = tiles(page).first();
    expect((await kenji.boundingBox())!.height).toBeLessThanOrEqual(30);
    expect(await kenji.locator('.name').textContent()).toBe('agent0001');
    expect(await kenji.locator('.since').textContent()).toMatch(/^\d+:\d{2}$/);
    expect(new URL(page.url()).hash).toContain('tiles=compact');
    // a logged-out agent: the time they left today, the day within half a year, else the year (the tooltip has it all)
    const gone = tile(page, 'zz.long.gone');
    expect(await gone.locator('.t-loggedout').textContent()).toBe(tokyoMinute(leftAt('zz.long.gone')).slice(0, 4));
    expect(await gone.locator('.name').isVisible()).toBe(true);
    expect(await gone.getAttribute('title')).toContain('Logged out');
    expect(await tile(page, 'zz.days.ago').locator('.t-loggedout').textContent()).toBe(tokyoMinute(leftAt('zz.days.ago')).slice(5, 10));
    expect(await tile(page, 'zz.left.today').locator('.t-loggedout').textContent()).toBe(tokyoMinute(leftAt('zz.left.today')).slice(11));
    // an alerting tile's time is on red in the picture
    const alerting = page.locator('ul.tiles > li.tile.alerting .since').first();
    await alerting.scrollIntoViewIfNeeded();
    const pill = (await alerting.boundingBox())!;
    const shot = await dash.screenshot('supervisor-1000-compact');
    const [red] = screenshotPixels(shot, [{ x: pill.x + 1, y: pill.y + pill.height / 2 }]);
    expect(red).toEqual(rgb('#b91c1c'));
    // every name and every time shown whole, alerting tiles too
    // polled: a tile whose clock has just ticked to a wider time is measured once more after its re-layout; a cut that stays still fails
    const cutTiles = () => tiles(page).evaluateAll((els) =>
      els.flatMap((el) => {
        const name = el.querySelector('.name')!;
        const since = el.querySelector('.since')!;
        const wholeName = name.scrollWidth <= name.clientWidth;
        const wholeTime = since.getBoundingClientRect().right <= el.getBoundingClientRect().right - 1 && since.scrollWidth <= since.clientWidth;
        return wholeName && wholeTime ? [] : [`${name.textContent}${wholeName ? '' : ` (name cut: ${name.scrollWidth} > ${name.clientWidth} px)`} ${since.textContent}${wholeTime ? '' : ' (time cut)'}`];
      }),
    );
    await expect.poll(cutTiles, { timeout: 5000 }).toEqual([]);
    expect(await tile(page, 'chiharu.hashimoto3').locator('.name').textContent()).toBe('chiharu.hashimoto3');
  });

  it('puts every agent on one screen in wallboard mode, with big counters', async () => {
    const { page } = dash;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('[data-action="wallboard"]').click();
    await expect.poll(() => page.locator('.seatmap.wallboard').count()).toBe(1);
    expect(await page.locator('header.top').count()).toBe(0);
    await expect.poll(() => tiles(page).count()).toBe(N);
    expect(await page.evaluate('document.documentElement.scrollHeight <= window.innerHeight')).toBe(true);
    const last = (await tiles(page).last().boundingBox())!;
    expect(last.y + last.height).toBeLessThanOrEqual(1080);
    const size = await page.locator('.wallboard [data-counter="loggedIn"] .count').evaluate((el) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(40);
    // names stay readable and whole, alerting ones too (the colour tells the state)
    expect(await tiles(page).first().locator('.name').isVisible()).toBe(true);
    // polled: a tile whose clock has just ticked to a wider time is measured once more after its re-layout; a cut that stays still fails
    const cutTiles = () => tiles(page).evaluateAll((els) =>
      els.map((el) => el.querySelector('.name')!).filter((n) => /^agent\d+$/.test(n.textContent ?? '') && n.scrollWidth > n.clientWidth).map((n) => n.textContent),
    );
    await expect.poll(cutTiles, { timeout: 5000 }).toEqual([]);
    const shot = await dash.screenshot('supervisor-1000-wallboard');
    // the picture has the last tile painted, on the page's dark background
    const [lastTile, below] = screenshotPixels(shot, [
      { x: last.x + last.width / 2, y: last.y + 2 },
      { x: last.x + last.width / 2, y: last.y + last.height + 2 },
    ]);
    expect(lastTile).not.toEqual(rgb('#0f1b2d'));
    expect(below).toEqual(rgb('#0f1b2d'));
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('header.top').count()).toBe(1);
    expect(new URL(page.url()).hash).not.toContain('wallboard');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps view, filter, sort and tiles in the URL: a shared link opens the same seat map', async () => {
    const { page } = dash;
    await page.getByRole('searchbox', { name: 'Filter' }).fill('agent00');
    await page.getByLabel('Sort by').selectOption('time');
    await page.locator('[data-counter="onhold"]').click();
    const link = page.url();
    expect(new URL(link).hash).toMatch(/^#seats&/);
    const other = await dash.context.newPage();
    await other.goto(link);
    await expect.poll(() => tiles(other).count()).toBeGreaterThan(0);
    expect(await other.getByRole('searchbox', { name: 'Filter' }).inputValue()).toBe('agent00');
    expect(await other.getByLabel('Sort by').inputValue()).toBe('time');
    expect(await other.locator('[data-counter="onhold"]').getAttribute('aria-pressed')).toBe('true');
    expect(await other.locator('ul.tiles.compact').count()).toBe(1);
    const names = await tiles(other).locator('.name').allTextContents();
    expect(names.every((n) => n.startsWith('agent00'))).toBe(true);
    expect(new Set(await tiles(other).evaluateAll((els) => els.map((e) => e.getAttribute('data-activity'))))).toEqual(new Set(['OnHold']));
    await other.close();
  });

  it('opens the report on the latest day with data and says which day it shows', async () => {
    const { page } = dash;
    // the report of a big centre takes seconds: held back here until the page has shown it is coming
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const isReport = (u: URL) => u.pathname === '/api/report/view';
    await page.route(isReport, async (route) => {
      await held;
      await route.continue();
    });
    const request = page.waitForRequest((r) => r.url().includes('/api/report/view?'));
    await dash.open('report');
    const url = new URL((await request).url());
    // on its way, not "no data"
    const chart = page.locator('svg[data-chart="report"]');
    await expect.poll(() => chart.locator('text.nodata').textContent()).toBe('Loading…');
    release();
    await expect.poll(() => chart.locator('g[data-bucket]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.unroute(isReport);
    // midnight to midnight of 18 April in Tokyo
    expect(url.searchParams.get('from')).toBe('2024-04-17T15:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2024-04-18T15:00:00.000Z');
    expect(await page.locator('#report-title .subtitle').textContent()).toBe('Thu 2024/04/18');
    // and the link names that day
    await expect.poll(() => new URL(page.url()).hash).toContain('date=2024-04-18');
    expect(await page.locator('.shown-day').textContent()).toMatch(/^Showing Thu 2024\/04\/18 in Asia\/Tokyo \(the latest day with data; nothing yet today, \w{3} \d{4}\/\d{2}\/\d{2}\)\.$/);
  }, 90_000);

  it("charts the centre's agents per interval: on contact, idle and custom statuses add up to those online", async () => {
    const { page } = dash;
    const chart = page.locator('svg[data-chart="report"]');
    await expect.poll(() => chart.locator('g[data-bucket]').count(), { timeout: 30_000 }).toBe(32); // 09:00-17:00 in 15 minutes
    expect(await chart.locator('text.unit').textContent()).toBe('agents');
    const buckets = await chart.locator('g[data-bucket]').evaluateAll((gs) =>
      gs.map((g) => ({
        stacked: [...g.querySelectorAll('rect')].reduce((s, r) => s + Number(r.getAttribute('data-value')), 0),
        online: Number(g.querySelector('line[data-series="onlineSeconds"]')?.getAttribute('data-value')),
        series: [...g.querySelectorAll('rect')].map((r) => r.getAttribute('data-series')),
      })),
    );
    for (const b of buckets) {
      // every agent of the fixture works 09-17 (a whole 15 minutes each): the centre's count
      expect(b.online).toBeCloseTo(N, 6);
      expect(b.stacked).toBeCloseTo(b.online, 6);
      expect(b.series).not.toContain('Offline');
    }
    // the axis reads in agents, in round steps up to the centre's 1,000
    const ticks = await chart.locator('.grid text').allTextContents();
    expect(ticks).toEqual(['0', '250', '500', '750', '1,000']);
    // the picture: on contact in blue at the bottom of a bar, the online mark at its top in ink
    const first = chart.locator('g[data-bucket]').first();
    const onContact = (await first.locator('rect[data-series="onContactSeconds"]').boundingBox())!;
    const shot = await dash.screenshot('supervisor-1000-report');
    const [blue] = screenshotPixels(shot, [{ x: onContact.x + onContact.width / 2, y: onContact.y + onContact.height / 2 }]);
    expect(blue).toEqual(rgb('#2563eb'));
  }, 90_000);

  it('keeps the report date, bucket and agent in the URL', async () => {
    const { page } = dash;
    const hourly = page.waitForRequest((r) => r.url().includes('bucket=1h'));
    await page.getByLabel('Bucket', { exact: true }).selectOption('1h');
    await hourly;
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'agent0007' });
    const hash = new URL(page.url()).hash;
    expect(hash).toContain('bucket=1h');
    expect(hash).toMatch(/agent=arn%3Aaws%3Aconnect/);
    const other = await dash.context.newPage();
    const request = other.waitForRequest((r) => r.url().includes('/api/report/view?'));
    await other.goto(page.url());
    expect(new URL((await request).url()).searchParams.get('bucket')).toBe('1h');
    await expect.poll(() => other.locator('table[data-table="report"] tbody tr').count()).toBe(8);
    expect(new Set(await other.locator('table[data-table="report"] tbody th').allTextContents())).toEqual(new Set(['agent0007']));
    // one agent: minutes per hour, not a fraction of an agent
    expect(await other.locator('svg[data-chart="report"] text.unit').textContent()).toBe('minutes');
    await other.close();
  }, 90_000);

  it('logs no errors in the browser console', () => {
    expect(dash.errors).toEqual([]);
  });
});
