import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from './support/build.js';
import { ensureChromium } from './support/chromium.js';
import { counter, pageStats, parseClock, startDashboardTest, tile, tiles, type DashboardTest } from './support/dashboard.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { arnOf, makeAgent, makeAlert, seatMapAgents } from './support/fixtures.js';

describe('seat map (headless Chromium)', () => {
  let api: FakeApi;
  let dash: DashboardTest;
  let agentCount = 0;

  beforeAll(async () => {
    ensureChromium();
    ensureDist();
    const agents = seatMapAgents();
    agentCount = agents.length;
    api = await startFakeApi({ agents });
    // raised before the page was opened: GET /api/alerts
    api.recentAlerts.push(
      makeAlert({ kind: 'LongAfterContactWork', agentArn: arnOf('emi.suzuki'), username: 'emi.suzuki', ended: true, seconds: 185, thresholdSeconds: 120, at: new Date(Date.now() - 600_000).toISOString() }),
    );
    dash = await startDashboardTest(api.url);
    await dash.open('seats');
  }, 900_000);

  afterAll(async () => {
    await dash?.close();
    await api?.close();
  });

  it('loads and shows every agent as a tile with summary counters', async () => {
    const { page } = dash;
    await expect.poll(() => tiles(page).count()).toBe(agentCount);
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('open');
    expect(await counter(page, 'loggedIn')).toBe(agentCount - 2);
    expect(await counter(page, 'offline')).toBe(2);
    expect(await counter(page, 'oncontact')).toBe(5);
    expect(await counter(page, 'onhold')).toBe(2);
    expect(await counter(page, 'acw')).toBe(3);
    expect(await counter(page, 'custom')).toBe(4);

    const kenji = tile(page, 'kenji.sato');
    await expect.poll(() => kenji.getAttribute('data-activity')).toBe('OnContact');
    expect(await kenji.locator('.chip').textContent()).toBe('On contact');
    expect(await kenji.locator('.contact .channel').textContent()).toBe('VOICE');
    const sakura = tile(page, 'sakura.kobayashi');
    expect(await sakura.locator('.contact').count()).toBe(2);
    expect(await sakura.locator('.contact .channel').first().textContent()).toBe('CHAT');
    expect(await tile(page, 'koharu.ikeda').locator('.chip').textContent()).toBe('Logged out');
    expect(await tile(page, 'yuna.shimizu').locator('.chip').textContent()).toBe('Break');
    // headings and landmarks
    expect(await page.locator('h1').textContent()).toBe('Switchboard');
    expect(await page.locator('nav[aria-label="Views"] a[aria-current="page"]').textContent()).toBe('Seat map');
    await dash.screenshot('seatmap');
    await dash.screenshot('seatmap-full', { fullPage: true });
  });

  it('ticks the time in state every second without re-rendering tiles', async () => {
    const { page } = dash;
    const timer = tile(page, 'kenji.sato').locator('.tile-activity .since');
    const before = parseClock(await timer.textContent());
    expect(before).toBeGreaterThanOrEqual(212);
    const stats0 = await pageStats(page);
    await page.waitForTimeout(3300);
    const after = parseClock(await timer.textContent());
    // one step a second (a loaded machine may delay a tick)
    expect(after - before).toBeGreaterThanOrEqual(2);
    expect(after - before).toBeLessThanOrEqual(4);
    const stats1 = await pageStats(page);
    expect(stats1.ticks - stats0.ticks).toBeGreaterThanOrEqual(2);
    // only tiles whose alert threshold was crossed may render on their own
    expect(stats1.tileRenders - stats0.tileRenders).toBeLessThanOrEqual(2);
  });

  it('applies a pushed `agents` message to the tile within a second', async () => {
    const { page } = dash;
    const aiko = tile(page, 'aiko.tanaka');
    expect(await aiko.getAttribute('data-activity')).toBe('Available');
    const started = Date.now();
    api.pushAgents([makeAgent({ username: 'aiko.tanaka', contacts: [{ channel: 'CHAT', state: 'CONNECTED', ago: 0 }] })]);
    await page.waitForFunction(
      (arn) => (globalThis as any).document.querySelector(`li.tile[data-agent="${arn}"]`)?.getAttribute('data-activity') === 'OnContact',
      arnOf('aiko.tanaka'),
      { polling: 'raf', timeout: 5000 },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(await aiko.locator('.contact .channel').textContent()).toBe('CHAT');
    expect(parseClock(await aiko.locator('.tile-activity .since').textContent())).toBeLessThanOrEqual(2);
    await expect.poll(() => counter(page, 'oncontact')).toBe(6);
  });

  it('shows an alert badge once a hold exceeds the configured threshold', async () => {
    const { page } = dash;
    // holdSeconds is 60: a hold that started 57 s ago crosses it in ~3 s
    api.pushAgents([makeAgent({ username: 'daichi.kato', contacts: [{ state: 'CONNECTED_ONHOLD', ago: 57 }] })]);
    const daichi = tile(page, 'daichi.kato');
    await expect.poll(() => daichi.getAttribute('data-activity')).toBe('OnHold');
    expect(await daichi.locator('.badge').count()).toBe(0);
    await daichi.locator('.badge[data-kind="LongHold"]').waitFor({ timeout: 6000 });
    expect(await daichi.locator('.badge').textContent()).toBe('Long hold');
    expect(await daichi.getAttribute('class')).toContain('alerting');
    // the hold that started 150 s before the page loaded was flagged from the start
    expect(await tile(page, 'yui.yamada').locator('.badge[data-kind="LongHold"]').count()).toBe(1);
    // and one of 30 s is not
    expect(await tile(page, 'takumi.yoshida').locator('.badge').count()).toBe(0);
    // ACW (120 s) and status (Break 900 s) thresholds
    expect(await tile(page, 'riku.matsumoto').locator('.badge[data-kind="LongAfterContactWork"]').count()).toBe(1);
    expect(await tile(page, 'sota.yamazaki').locator('.badge[data-kind="LongStatus"]').textContent()).toBe('Long Break');
    expect(await tile(page, 'yuna.shimizu').locator('.badge').count()).toBe(0);
    // taking the call off hold clears the badge
    api.pushAgents([makeAgent({ username: 'daichi.kato', contacts: [{ state: 'CONNECTED', ago: 0 }] })]);
    await expect.poll(() => daichi.locator('.badge').count()).toBe(0);
    await dash.screenshot('seatmap-alerts');
  });

  it('shows alerts received on the stream', async () => {
    const { page } = dash;
    const rin = [...api.agents.values()].find((a) => a.username === 'rin.mori')!;
    api.pushAlerts([
      makeAlert({ kind: 'LongStatus', agentArn: rin.agentArn, username: 'rin.mori', name: 'Lunch', seconds: 3700, thresholdSeconds: 3600 }),
      makeAlert({ kind: 'ContactAbandoned', contactId: 'ct-0001', name: 'abandoned_in_queue', seconds: 95 }),
    ]);
    await tile(page, 'rin.mori').locator('.badge[data-kind="LongStatus"]').waitFor({ timeout: 2000 });
    const feed = page.locator('.alert-feed li');
    await expect.poll(() => feed.count()).toBe(3);
    const texts = await feed.allTextContents();
    expect(texts.some((t) => t.includes('Contact abandoned'))).toBe(true);
    // the older alert from GET /api/alerts stays last, and an ended one puts no badge on a tile
    expect(texts[2]).toContain('Long after-contact work');
    expect(texts[2]).toContain('emi.suzuki');
    expect(await tile(page, 'emi.suzuki').locator('.badge').count()).toBe(0);
    await dash.screenshot('seatmap-alert-feed');
  });

  it('filters by text and sorts by time in state', async () => {
    const { page } = dash;
    await page.getByRole('searchbox', { name: 'Filter' }).fill('yama');
    await expect.poll(() => tiles(page).count()).toBe(4); // mei.yamamoto, yui.yamada, hina.yamaguchi, sota.yamazaki
    await page.getByRole('searchbox', { name: 'Filter' }).fill('break');
    await expect.poll(() => tiles(page).count()).toBe(2);
    await page.getByRole('searchbox', { name: 'Filter' }).fill('');
    await page.getByLabel('Sort by').selectOption('time');
    await expect.poll(async () => (await tiles(page).first().locator('.name').textContent()) ?? '').toBe('hayato.abe');
    const names = await tiles(page).locator('.name').allTextContents();
    expect(names.slice(-2).sort()).toEqual(['itsuki.hashimoto', 'koharu.ikeda']);
    await page.getByLabel('Sort by').selectOption('name');
    await page.locator('[data-counter="onhold"]').click();
    await expect.poll(() => tiles(page).count()).toBe(2);
    await page.locator('[data-counter="onhold"]').click();
    await expect.poll(() => tiles(page).count()).toBe(agentCount);
  });

  it('shows a banner while the stream is down and re-syncs on reconnect', async () => {
    const { page } = dash;
    const banner = page.locator('[data-banner="stream"]');
    expect(await banner.count()).toBe(0);
    api.dropStreams(2500);
    // while disconnected, a change the dashboard cannot hear about
    api.setAgentsSilently([makeAgent({ username: 'emi.suzuki', status: 'Lunch', statusAgo: 1 })]);
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toContain('disconnected');
    await dash.screenshot('seatmap-disconnected');
    await banner.waitFor({ state: 'detached', timeout: 20_000 });
    // the re-sync is a fetch after the reconnect: on a busy machine it may take longer than the default second
    await expect.poll(() => tile(page, 'emi.suzuki').getAttribute('data-activity'), { timeout: 10_000 }).toBe('Lunch');
  });

  it('logs no errors in the browser console', () => {
    expect(dash.errors).toEqual([]);
  });
});
