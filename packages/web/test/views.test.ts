import { readFile } from 'node:fs/promises';
import { REPORT_METRIC_TABLE } from '@switchboard/core/views';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from './support/build.js';
import { ensureChromium } from './support/chromium.js';
import { parseCsv, startDashboardTest, type DashboardTest } from './support/dashboard.js';
import { startFakeApi, type FakeApi } from './support/fake-api.js';

const REPORT_HEADER = [
  'agentArn',
  'username',
  'bucketStart',
  'bucketEnd',
  'onlineSeconds',
  'idleSeconds',
  'nonProductiveSeconds',
  'onContactSeconds',
  'holdSeconds',
  'afterContactWorkSeconds',
  'errorSeconds',
  'holds',
  'contactsHandled',
  'agentNonResponse',
  'occupancy',
];

const captionCount = async (dash: DashboardTest, table: string) => {
  const text = (await dash.page.locator(`table[data-table="${table}"] caption`).textContent()) ?? '';
  return Number(/([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN);
};

describe('report and flow views (headless Chromium)', () => {
  let api: FakeApi;
  let dash: DashboardTest;

  beforeAll(async () => {
    ensureChromium();
    ensureDist();
    api = await startFakeApi();
    dash = await startDashboardTest(api.url);
  }, 900_000);

  afterAll(async () => {
    await dash?.close();
    await api?.close();
  });

  it('renders the interval report: chart and table for today in the configured zone', async () => {
    const { page } = dash;
    const request = page.waitForRequest((r) => r.url().includes('/api/report/view?'));
    await dash.open('report');
    const url = new URL((await request).url());
    expect(url.searchParams.get('bucket')).toBe('15m');
    expect(url.searchParams.get('tz')).toBe('Asia/Tokyo');
    // today in Asia/Tokyo: [local midnight, next local midnight)
    const from = Date.parse(url.searchParams.get('from')!);
    const to = Date.parse(url.searchParams.get('to')!);
    expect(to - from).toBe(86_400_000);
    expect(new Date(from + 9 * 3600_000).toISOString().slice(11, 19)).toBe('00:00:00');

    const rows = page.locator('table[data-table="report"] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(10);
    const total = await captionCount(dash, 'report');
    expect(total).toBeGreaterThan(100);
    expect(await rows.count()).toBe(100); // paged
    expect(await page.locator('.pager').textContent()).toContain(`of ${total.toLocaleString('en-US')}`);
    const headers = await page.locator('table[data-table="report"] thead th').allTextContents();
    expect(headers).toEqual(['Agent', 'Bucket start', ...REPORT_METRIC_TABLE.map((m) => m.label)]);
    expect(headers).toEqual([
      'Agent',
      'Bucket start',
      'Online',
      'Idle',
      'Non-productive',
      'On contact',
      'Hold',
      'ACW',
      'Error',
      'Holds',
      'Contacts handled',
      'Non-response',
      'Occupancy',
    ]);
    expect(await rows.first().locator('td').nth(1).textContent()).toMatch(/^\d+:\d{2}:\d{2}$/);
    // the stacked chart: the centre's time online per bucket, on contact / idle / custom status (no Offline)
    const bars = page.locator('svg[data-chart="report"] rect');
    expect(await bars.count()).toBeGreaterThan(32);
    expect(await page.locator('svg[data-chart="report"] rect[data-series="onContactSeconds"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.legend li').allTextContents()).toEqual(
      expect.arrayContaining(['On contact (incl. after-contact work)', 'Idle (available, no contact)', 'Online']),
    );
    expect(await page.locator('svg[data-chart="report"] [data-series="Offline"]').count()).toBe(0);
    // in agents: each of the fixture's agents works 09-17 in full, buckets not over yet included
    // (as when the browser's clock is behind the server's)
    const agents = (await page.getByLabel('Agent', { exact: true }).locator('option').count()) - 1;
    const online = await page.locator('svg[data-chart="report"] line[data-series="onlineSeconds"]').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-value'))));
    expect(online).toHaveLength(32);
    for (const n of online) expect(n).toBeCloseTo(agents, 6);
    const top = Number(await page.locator('svg[data-chart="report"] .grid text').last().textContent());
    expect(top).toBeGreaterThanOrEqual(agents);
    expect(top).toBeLessThan(2 * agents);
    await dash.screenshot('report');
  });

  it('switches bucket size and time zone', async () => {
    const { page } = dash;
    const before = await captionCount(dash, 'report');
    const request = page.waitForRequest((r) => r.url().includes('bucket=1h'));
    await page.getByLabel('Bucket', { exact: true }).selectOption('1h');
    await request;
    await expect.poll(() => captionCount(dash, 'report')).toBe(before / 4);
    const starts = await page.locator('table[data-table="report"] tbody td time').allTextContents();
    expect(starts.every((s) => s.endsWith(':00'))).toBe(true);

    const utc = page.waitForRequest((r) => r.url().includes('tz=UTC'));
    await page.getByLabel('Time zone', { exact: true }).fill('UTC');
    await page.getByLabel('Time zone', { exact: true }).press('Enter');
    await page.getByLabel('Time zone', { exact: true }).blur();
    const u = new URL((await utc).url());
    expect(new Date(Date.parse(u.searchParams.get('from')!)).toISOString().slice(11, 19)).toBe('00:00:00');
    await page.getByLabel('Time zone', { exact: true }).fill('Not/AZone');
    await page.getByLabel('Time zone', { exact: true }).blur();
    expect(await page.locator('.report .error[role="alert"]').textContent()).toContain('Unknown time zone');
    await page.getByLabel('Time zone', { exact: true }).fill('Asia/Tokyo');
    await page.getByLabel('Time zone', { exact: true }).blur();
    await page.getByLabel('Bucket', { exact: true }).selectOption('15m');
    await expect.poll(() => captionCount(dash, 'report')).toBe(before);
  });

  it('downloads the report table as CSV with a header, every row and correct quoting', async () => {
    const { page } = dash;
    const total = await captionCount(dash, 'report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^switchboard-report-15m-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const raw = await readFile((await download.path())!, 'utf8');
    const text = raw.replace(/^\uFEFF/, '');
    const csv = parseCsv(text);
    expect(csv[0]).toEqual(REPORT_HEADER);
    expect(csv.length - 1).toBe(total);
    expect(csv.every((r) => r.length === REPORT_HEADER.length)).toBe(true);
    // a name with a comma and quotes survives the round trip
    expect(text).toContain('"Smith, ""Jo"""');
    const smith = csv.filter((r) => r[1] === 'Smith, "Jo"');
    expect(smith.length).toBeGreaterThan(0);
    const row = smith[0]!;
    expect(row[2]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(Number(row[4])).toBe(900);
    expect(Number(row[5]) + Number(row[6]) + Number(row[7])).toBeCloseTo(900, 6);
    // one agent only
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'aiko.tanaka' });
    const [one] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action="csv"]').click()]);
    const rows = parseCsv((await readFile((await one.path())!, 'utf8')).replace(/^\uFEFF/, '')).slice(1);
    expect(rows.length).toBe(await captionCount(dash, 'report'));
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['aiko.tanaka']));
    await dash.screenshot('report-one-agent');
  });

  it('renders the flow exits: funnel chart and table, abandoned calls', async () => {
    const { page } = dash;
    await dash.open('flows');
    const funnelRows = page.locator('table[data-table="funnel"] tbody tr');
    await expect.poll(() => funnelRows.count()).toBeGreaterThan(2);
    expect(await page.locator('svg[data-chart="funnel"] rect').count()).toBeGreaterThan(2);
    expect(await page.locator('svg[data-chart="funnel"] .rowlabel').count()).toBe(await funnelRows.count());
    // totals add up to the sum of the rows
    const totals = await funnelRows.locator('td:nth-last-child(2)').allTextContents();
    const grand = Number(await page.locator('table[data-table="funnel"] tfoot td:nth-last-child(2)').textContent());
    expect(totals.reduce((s, t) => s + Number(t), 0)).toBe(grand);

    const date = await page.getByLabel(/^Date \(/).inputValue();
    const calls = page.locator('table[data-table="abandoned"] tbody tr[data-contact]');
    await expect.poll(() => calls.count()).toBeGreaterThan(0);
    const first = calls.first().locator('td');
    // in the centre's locale (phone region JP: 2024/04/18 08:47:52) and zone
    expect(await first.nth(0).textContent()).toMatch(new RegExp(`^${date.replace(/-/g, '/')} \\d{2}:\\d{2}:\\d{2}$`));
    expect(await first.nth(1).textContent()).toMatch(/^0\d{9}$/);
    expect(await first.nth(3).textContent()).toMatch(/^Abandoned in (flow|queue)$/);
    expect(await first.nth(4).textContent()).toMatch(/^\d+:\d{2}$/);
    // abandoned calls listed = abandoned outcomes in the funnel for that date
    const columns = await page.locator('table[data-table="funnel"] thead th').evaluateAll((ths) => ths.slice(1).map((th) => th.getAttribute('data-outcome')));
    const footer = await page.locator('table[data-table="funnel"] tfoot td').allTextContents();
    const total = (o: string) => Number(footer[columns.indexOf(o)] ?? 0);
    expect(await captionCount(dash, 'abandoned')).toBe(total('abandoned_in_flow') + total('abandoned_in_queue'));
    await dash.screenshot('flows', { fullPage: true });

    await page.getByLabel('Outcome', { exact: true }).selectOption('abandoned_in_queue');
    const outcomes = await calls.locator('td:nth-child(4)').allTextContents();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['Abandoned in queue']));
    expect(await calls.first().locator('td').nth(5).textContent()).toBe('Support');
  });

  it('refetches the funnel when the stream says contacts changed', async () => {
    const { page } = dash;
    const refetch = page.waitForRequest((r) => r.url().includes('/api/funnel'), { timeout: 10_000 });
    api.pushProjections({ intervals: false, contacts: true });
    await refetch;
  });

  it('logs no errors in the browser console', () => {
    expect(dash.errors).toEqual([]);
  });
});
