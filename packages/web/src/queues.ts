/** Live queues for the dashboard: GET /api/queues/now, refreshed when the stream says queue contacts changed. */
import { getJson } from './api.js';
import { useLoad, useProjectionRefresh } from './hooks.js';
import { useEffect } from 'preact/hooks';
import type { QueueNowView, QueuesNowView } from './types.js';

/** How often today's counts are refreshed when no queue change arrives (the oldest wait ticks on its own). */
const REFRESH_MS = 30_000;

export function useQueuesNow() {
  const load = useLoad('queues-now', (signal) => getJson<QueuesNowView>('/api/queues/now', undefined, signal));
  useProjectionRefresh('queueContacts', load.reload, 2000);
  useEffect(() => {
    const t = setInterval(load.reload, REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  return load;
}

/** A queue's key: its ARN, else instance and name. */
export const queueKey = (q: Pick<QueueNowView, 'instanceArn' | 'queueArn' | 'queueName'>) => q.queueArn ?? `${q.instanceArn}|${q.queueName}`;

/** A queue's label: its name, else the last part of its ARN. */
export const queueLabel = (q: { queueArn: string | null; queueName: string | null }) => q.queueName ?? q.queueArn?.split('/').pop() ?? '?';

/** How the oldest wait compares with its alert threshold: ok, warn (past half of it) or over; none without a threshold. */
export function waitLevel(seconds: number | null, threshold: number | null): 'none' | 'ok' | 'warn' | 'over' {
  if (threshold === null || seconds === null) return 'none';
  if (seconds > threshold) return 'over';
  return seconds > threshold / 2 ? 'warn' : 'ok';
}

/** A fraction as percent, one decimal; a dash when unknown. */
export const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);
