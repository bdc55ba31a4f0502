import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentEvent, contactEvent, contactRecord, INSTANCE } from '../../packages/core/test/builders.js';
import { tile, type DashboardTest } from '../../packages/web/test/support/dashboard.js';
import { dashboardOverStore } from './dashboard-server.js';
import { tempDir } from './run.js';

/**
 * The queue strip and the queue view in headless Chromium against the real
 * `switchboard serve`: queues from contact events and contact records of today.
 */
describe('dashboard queues over the real local server', () => {
  let dir: string;
  let close: (() => Promise<void>) | undefined;
  let dash: DashboardTest;

  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify({ timezone: 'Asia/Tokyo', queues: { '*': { oldestWaitingAlertSeconds: 120, serviceLevelSeconds: [20] } } }));
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const support = `${INSTANCE}/queue/support`;
    const items = [
      agentEvent({ type: 'LOGIN', at: now - 3_600_000, agent: 'a1', username: 'tanaka', status: 'Available' }),
      agentEvent({ type: 'LOGIN', at: now - 3_600_000, agent: 'a2', username: 'suzuki', status: 'Available' }),
      // Sales (the records name it): tanaka answered one call in 10 s; a caller waits for 200 s now
      contactRecord({
        contactId: 'done-1',
        initiation: iso(now - 1_200_000),
        disconnect: iso(now - 900_000),
        queue: { enqueue: iso(now - 1_190_000), duration: 10, name: 'Sales' },
        agent: { username: 'a1', connected: iso(now - 1_180_000) },
      }),
      contactEvent({ contactId: 'wait-1', type: 'QUEUED', initiation: iso(now - 230_000), queue: { arn: `${INSTANCE}/queue/q`, enqueue: iso(now - 200_000) } }),
      // Support (contact events only): a caller waiting 30 s
      contactEvent({ contactId: 'wait-2', type: 'QUEUED', initiation: iso(now - 40_000), queue: { arn: support, enqueue: iso(now - 30_000) } }),
    ];
    ({ dash, close } = await dashboardOverStore(dir, items));
  }, 15 * 60_000);

  afterAll(async () => {
    await close?.();
  });

  it('shows the queue strip on the seat map: waiting, oldest wait coloured by threshold, service level and abandoned today; a queue filters the agents who serve it', async () => {
    const { page } = dash;
    await dash.open('seats');
    const sales = page.locator('.queue-strip button[data-queue="Sales"]');
    const support = page.locator('.queue-strip button[data-queue="support"]');
    await sales.waitFor({ timeout: 10_000 });
    expect(await sales.getAttribute('data-wait')).toBe('over'); // 200 s > 120 s
    expect(await support.getAttribute('data-wait')).toBe('ok'); // 30 s < 60 s
    expect(await sales.locator('[data-stat="waiting"]').textContent()).toBe('1 waiting');
    const oldest = /^oldest (\d+):(\d\d)$/.exec((await sales.locator('[data-stat="oldest"]').textContent()) ?? '');
    expect(Number(oldest?.[1]) * 60 + Number(oldest?.[2])).toBeGreaterThanOrEqual(200);
    // today: done-1 left the queue within 20 s; wait-1 is past 20 s: 1 of 2
    expect(await sales.locator('[data-stat="service-level"]').textContent()).toBe('SL 20s 50.0%');
    expect(await sales.locator('[data-stat="abandoned"]').textContent()).toBe('0 abandoned');
    // evaluated in the page (a string: the tests are typechecked without the DOM library)
    const colour = await page.evaluate(`getComputedStyle(document.querySelector('.queue-strip button[data-queue="Sales"]')).borderLeftColor`);
    expect(colour).toBe('rgb(220, 38, 38)');

    await expect.poll(() => page.locator('li.tile').count(), { timeout: 10_000 }).toBe(2);
    await sales.click();
    expect(await sales.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('li.tile').count()).toBe(1);
    expect(await tile(page, 'tanaka').count()).toBe(1);
    expect(await page.locator('.shown').textContent()).toMatch(/1 of 2 agents serving Sales today/);
    // the server's sweep raises the long wait; the dashboard shows it
    await expect.poll(() => page.locator('.alert-feed li.k-LongQueueWait').textContent(), { timeout: 15_000 }).toMatch(/Long queue wait \(Sales\)/);
    await dash.screenshot('queue-strip');
    await sales.click();
    await expect.poll(() => page.locator('li.tile').count()).toBe(2);
  });

  it('shows the queue view: the interval table and a chart of volume and service level through the day', async () => {
    const { page } = dash;
    await dash.open('queues');
    const rows = page.locator('table[data-table="queues"] tbody tr[data-queue]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells.slice(1, 8)).toEqual(['Sales', 'VOICE', '1', '1', '0', '0.0%', '100.0%']);
    expect(await page.locator('svg[data-chart="queues"] rect[data-series="queued"]').count()).toBe(1);
    expect(await page.locator('svg[data-chart="queues"] circle.sl-dot').count()).toBe(1);
    await page.selectOption('#queues-queue', { label: 'Sales' });
    await expect.poll(() => rows.count()).toBe(1);
    await page.click('button[aria-label="Previous day"]');
    await expect.poll(() => page.locator('table[data-table="queues"] td.empty').count()).toBe(1);
    await dash.screenshot('queue-view');
    expect(dash.errors).toEqual([]);
  });
});
