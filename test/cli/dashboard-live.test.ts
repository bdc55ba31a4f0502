import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentEvent, contactRecord } from '../../packages/core/test/builders.js';
import { tile, type DashboardTest } from '../../packages/web/test/support/dashboard.js';
import { dashboardOverStore } from './dashboard-server.js';
import { runCli, tempDir } from './run.js';

/**
 * The dashboard in headless Chromium against the real `switchboard serve`
 * (the web package's own tests use a fake API): the seat map follows what
 * another process ingests into the store.
 */
describe('dashboard over the real local server', () => {
  let dir: string;
  let close: (() => Promise<void>) | undefined;
  let dash: DashboardTest;

  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'switchboard.config.json'), JSON.stringify({ timezone: 'Asia/Tokyo', phoneRegion: 'JP' }));
    const now = Date.now();
    const events = [
      agentEvent({ type: 'LOGIN', at: now - 600_000, agent: 'a1', username: 'tanaka', status: 'Available' }),
      agentEvent({ type: 'STATE_CHANGE', at: now - 300_000, agent: 'a1', username: 'tanaka', contacts: [{ id: 'c1', state: 'CONNECTED' }] }),
    ];
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const ctr = contactRecord({ contactId: 'ivr-1', initiation: iso(now - 500_000), disconnect: iso(now - 495_000), attributes: { call_route: '1', call_completed: 'false' } });
    ({ dash, close } = await dashboardOverStore(dir, [...events, ctr]));
  }, 15 * 60_000);

  afterAll(async () => {
    await close?.();
  });

  it('shows the agents of the store and a status change ingested by another process', async () => {
    await dash.open('seats');
    const t = tile(dash.page, 'tanaka');
    await expect.poll(() => t.getAttribute('data-activity'), { timeout: 10_000 }).toBe('OnContact');
    writeFileSync(join(dir, 'more.jsonl'), JSON.stringify(agentEvent({ type: 'STATE_CHANGE', at: Date.now(), agent: 'a1', username: 'tanaka', contacts: [{ id: 'c1', state: 'CONNECTED_ONHOLD' }] })));
    expect(runCli(['ingest', 'more.jsonl'], { cwd: dir }).status).toBe(0);
    await expect.poll(() => t.getAttribute('data-activity'), { timeout: 5_000 }).toBe('OnHold');
    await dash.screenshot('real-server-seats');
  });

  it('renders the flow exits from the real API', async () => {
    await dash.open('flows');
    await expect.poll(() => dash.page.locator('main').textContent(), { timeout: 10_000 }).toMatch(/abandoned/i);
    await dash.screenshot('real-server-flows');
    expect(dash.errors).toEqual([]);
  });
});
