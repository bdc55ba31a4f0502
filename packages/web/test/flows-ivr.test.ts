/**
 * Flow exits of a two-level IVR (exit points "start", "1", "2", "1-1" ... as
 * the seed flow sets them): names from the rules, the step funnel per level,
 * the trend through the day, alerts that say queue, number and time, and the
 * view's state in the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactRow } from '../../core/src/api/views.js';
import { ensureDist } from './support/build.js';
import { ensureChromium } from './support/chromium.js';
import { startDashboardTest, type DashboardTest } from './support/dashboard.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';
import { ivrContacts, makeAlert } from './support/fixtures.js';

const DATE = '2024-04-18';
const ZONE = 'Asia/Tokyo';
// outcomes the dashboard may not know yet: shown with a label made from their name
const TRANSFERRED = 'transferred' as ContactRow['outcome'];
const CALLBACK = 'callback_scheduled' as ContactRow['outcome'];

const contacts = ivrContacts(DATE, ZONE, {
  start: [[9, 'abandoned_in_flow', 10]],
  '1': [[10, 'abandoned_in_flow', 5]],
  '2': [[10, 'abandoned_in_flow', 3]],
  '1-1': [
    [11, 'handled', 15, 'Sales'],
    [11, 'abandoned_in_queue', 5, 'Sales'],
  ],
  '1-2': [[13, 'completed_in_flow', 7]],
  '2-1': [[14, 'handled', 12, 'Support']],
  '2-2': [
    [15, 'completed_in_flow', 3],
    [15, TRANSFERRED, 4],
    [15, CALLBACK, 1],
  ],
});

describe('flow exits of a two-level IVR (headless Chromium)', () => {
  let api: FakeApi;
  let dash: DashboardTest;

  beforeAll(async () => {
    ensureChromium();
    ensureDist();
    api = await startFakeApi({
      contacts,
      config: { exitLabels: { start: 'Greeting', '1-1': 'Card lost: done', '2': 'Support menu' } },
      lastEventAt: '2024-04-18T08:00:00.000Z',
    });
    dash = await startDashboardTest(api.url);
  }, 900_000);

  afterAll(async () => {
    await dash?.close();
    await api?.close();
  });

  it('opens on the latest day with contacts, names exit points from the rules, and lists every outcome', async () => {
    const { page } = dash;
    await dash.open('flows');
    await expect.poll(() => page.getByLabel(/^Date \(/).inputValue()).toBe(DATE);
    await expect.poll(() => new URL(page.url()).hash).toContain(`date=${DATE}`);
    expect(await page.locator('#flows-title .subtitle').textContent()).toBe('Thu 2024/04/18');
    const labels = await page.locator('table[data-table="funnel"] tbody th').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['1-1 · Card lost: done', 'start · Greeting', '2 · Support menu', '1-2']));
    const headers = await page.locator('table[data-table="funnel"] thead th').allTextContents();
    expect(headers).toEqual(['Exit point', 'Handled', 'Transferred', 'Completed in flow', 'Abandoned in flow', 'Abandoned in queue', 'Callback scheduled', 'Total', 'Share']);
    // the chart's row labels (each with a tooltip of the same text)
    expect((await page.locator('svg[data-chart="funnel"] .rowlabel').allTextContents()).filter((t) => t.endsWith('1-1 · Card lost: done'))).toHaveLength(1);
  });

  it('shows the step funnel: how many reached each level and option, left there (and how), or went on', async () => {
    const { page } = dash;
    const row = (selector: string) =>
      page
        .locator(`table[data-table="steps"] tr${selector}`)
        .locator('th, td')
        .allTextContents();
    // 65 contacts: 18 left at the first level (start 10, "1" 5, "2" 3), 47 went on to the second
    expect(await row('[data-level="1"]')).toEqual(['Level 1', '65', '100%', '18', '', '47']);
    expect(await row('[data-level="2"]')).toEqual(['Level 2', '47', '72%', '47', '', '0']);
    expect(await row('[data-node="start"]')).toEqual(['start · Greeting', '10', '15%', '10', '', '0']);
    expect(await row('[data-node="1"]')).toEqual(['1', '32', '49%', '5', '', '27']);
    expect(await row('[data-node="2"]')).toEqual(['2 · Support menu', '23', '35%', '3', '', '20']);
    expect(await row('[data-node="1-1"]')).toEqual(['1-1 · Card lost: done', '20', '31%', '20', '', '0']);
    // how the 20 who reached "1-1" left: 15 handled, 5 abandoned in the queue
    const split = page.locator('tr[data-node="1-1"] .split .part');
    expect(await split.evaluateAll((parts) => parts.map((p) => [p.getAttribute('data-outcome'), (p as unknown as { style: { width: string } }).style.width]))).toEqual([
      ['handled', '75%'],
      ['abandoned_in_queue', '25%'],
    ]);
    // levels in order, options in order under each
    expect(await page.locator('table[data-table="steps"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-level') ?? tr.getAttribute('data-node')))).toEqual([
      '1',
      '1',
      '2',
      'start',
      '2',
      '1-1',
      '1-2',
      '2-1',
      '2-2',
    ]);
    await dash.screenshot('flows-ivr-steps', { fullPage: true });
  });

  it('shows the trend through the day: contacts per hour by outcome', async () => {
    const { page } = dash;
    const chart = page.locator('svg[data-chart="flow-trend"]');
    await expect.poll(() => chart.locator('rect').count()).toBeGreaterThan(5);
    const perHour = await chart.locator('g[data-bucket]').evaluateAll((gs) =>
      Object.fromEntries(
        gs
          .map((g) => [g.getAttribute('data-bucket')!.slice(0, 5), [...g.querySelectorAll('rect')].reduce((s, r) => s + Number(r.getAttribute('data-value')), 0)] as const)
          .filter(([, n]) => n > 0),
      ),
    );
    expect(perHour).toEqual({ '09:00': 10, '10:00': 8, '11:00': 20, '13:00': 7, '14:00': 12, '15:00': 8 });
    expect(await chart.locator('text.unit').textContent()).toBe('contacts');
    // each hour was asked of the funnel, not the whole day's contacts
    const funnelWindows = api.requests.filter((r) => r.startsWith('/api/funnel?from='));
    expect(funnelWindows.length).toBe(24);
    expect(api.requests.some((r) => r.startsWith('/api/contacts?') && !r.includes('from='))).toBe(false);
  });

  it('keeps the date and outcome filter in the URL', async () => {
    const { page } = dash;
    await page.getByLabel('Outcome', { exact: true }).selectOption('abandoned_in_queue');
    const link = page.url();
    expect(new URL(link).hash).toBe(`#flows&date=${DATE}&outcome=abandoned_in_queue`);
    const other = await dash.context.newPage();
    await other.goto(link);
    const calls = other.locator('table[data-table="abandoned"] tbody tr[data-contact]');
    await expect.poll(() => calls.count()).toBe(5);
    expect(await other.getByLabel('Outcome', { exact: true }).inputValue()).toBe('abandoned_in_queue');
    // started times in the centre's locale and zone
    expect(await calls.first().locator('td').first().textContent()).toMatch(/^2024\/04\/18 11:\d{2}:07$/);
    expect(await calls.first().locator('td').nth(2).textContent()).toBe('1-1 · Card lost: done');
    await other.close();
  });

  it('says in the alert feed which queue or flow point, which number and when a contact was abandoned', async () => {
    const { page } = dash;
    await dash.open('seats');
    const inQueue = contacts.find((c) => c.outcome === 'abandoned_in_queue')!;
    const inFlow = contacts.find((c) => c.exitPoint === 'start')!;
    const alertOf = (c: ContactRow) => makeAlert({ kind: 'ContactAbandoned', contactId: c.contactId, name: c.outcome, at: c.endedAt!, seconds: c.durationSeconds!, ended: true });
    api.pushAlerts([alertOf(inFlow), alertOf(inQueue)]);
    const feed = page.locator('.alert-feed li[data-alert="ContactAbandoned"]');
    await expect.poll(() => feed.count()).toBe(2);
    await expect.poll(() => feed.first().locator('[data-part="where"]').count()).toBe(1);
    const endedAt = Date.parse(inQueue.endedAt!);
    const tokyo = new Date(endedAt + 9 * 3_600_000).toISOString();
    const first = feed.first();
    expect(await first.locator('time').textContent()).toBe(`${tokyo.slice(0, 10).replace(/-/g, '/')} ${tokyo.slice(11, 19)}`);
    expect(await first.locator('strong').textContent()).toBe('Contact abandoned');
    expect(await first.locator('[data-part="where"]').textContent()).toBe('queue Sales after 0:40');
    expect(await first.locator('[data-part="number"]').textContent()).toBe(inQueue.customerNumberNational);
    await expect.poll(() => feed.nth(1).locator('[data-part="where"]').textContent()).toBe('flow at start · Greeting');
    // found by the contact's start (alert time - duration), one small window each
    const lookups = api.requests.filter((r) => r.startsWith('/api/contacts?') && r.includes('outcome=abandoned_in_queue') && r.includes('from=2024-04-18T02'));
    expect(lookups.length).toBeGreaterThan(0);
    await dash.screenshot('flows-ivr-alert-feed');
  });

  it('says the same of alerts raised before the page opened, while the seat map keeps changing', async () => {
    const inQueue = contacts.find((c) => c.outcome === 'abandoned_in_queue')!;
    api.recentAlerts.push(makeAlert({ kind: 'ContactAbandoned', contactId: inQueue.contactId, name: inQueue.outcome, at: inQueue.endedAt!, seconds: inQueue.durationSeconds!, ended: true }));
    const page = await dash.context.newPage();
    // the contact lookup answers only after the page has re-rendered (an agent changes meanwhile)
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const isLookup = (u: URL) => u.pathname === '/api/contacts';
    await page.route(isLookup, async (route) => {
      asked++;
      await held;
      await route.continue().catch(() => {}); // a request the page gave up
    });
    await page.goto(`${api.url}/#seats`);
    const feed = page.locator('.alert-feed li[data-alert="ContactAbandoned"]');
    await expect.poll(() => feed.count()).toBe(1);
    await expect.poll(() => asked).toBeGreaterThan(0);
    const agent = [...api.agents.values()][0]!;
    api.pushAgents([{ ...agent, lastEventAt: new Date().toISOString() }]);
    await page.waitForTimeout(500);
    release();
    await expect.poll(() => feed.first().locator('[data-part="where"]').textContent()).toBe('queue Sales after 0:40');
    expect(await feed.first().locator('[data-part="number"]').textContent()).toBe(inQueue.customerNumberNational);
    // the first lookup answered it: none was given up on the way (on old data no new alert would ask again)
    expect(asked).toBe(1);
    await page.close();
    api.recentAlerts.length = 0;
  });

  it('logs no errors in the browser console', () => {
    expect(dash.errors).toEqual([]);
  });
});
