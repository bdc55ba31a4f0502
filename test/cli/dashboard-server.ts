import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startDashboardTest, type DashboardTest } from '../../packages/web/test/support/dashboard.js';
import { runCli, serveStore } from './run.js';

/** Ingests `items` into the store in `dir`, serves it with `switchboard serve` and opens the dashboard on it in headless Chromium. */
export async function dashboardOverStore(dir: string, items: unknown[]): Promise<{ url: string; dash: DashboardTest; close(): Promise<void> }> {
  writeFileSync(join(dir, 'given.jsonl'), items.map((e) => JSON.stringify(e)).join('\n'));
  expect(runCli(['ingest', 'given.jsonl'], { cwd: dir }).status).toBe(0);
  const { server, url } = await serveStore(dir);
  const dash = await startDashboardTest(url);
  return {
    url,
    dash,
    close: async () => {
      await dash.close();
      server.kill('SIGTERM');
    },
  };
}
