import { useEffect, useState } from 'preact/hooks';
import { now } from '../clock.js';
import { Since } from '../components/Since.js';
import { percent, queueKey, queueLabel, useQueuesNow, waitLevel } from '../queues.js';
import type { QueueNowView } from '../types.js';

/**
 * The queues on top of the seat map: waiting, the oldest wait (coloured by
 * the queue's oldestWaitingAlertSeconds), service level and abandoned today.
 * Selecting a queue filters the seat map to the agents who serve it today.
 */
export function QueueStrip({ selected, onSelect }: { selected: QueueNowView | null; onSelect: (q: QueueNowView | null) => void }) {
  const queues = useQueuesNow();
  const [, setTick] = useState(0);
  // the colour of the oldest wait changes with time alone
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const list = queues.data?.queues ?? [];
  // keep the selection on the fresh row of the same queue
  useEffect(() => {
    if (!selected) return;
    const fresh = list.find((q) => queueKey(q) === queueKey(selected));
    if (fresh !== selected) onSelect(fresh ?? null);
  }, [queues.data]);
  if (list.length === 0) return null;
  const t = now();
  return (
    <div class="queue-strip" role="group" aria-label="Queues now (select to show the agents who serve a queue)">
      {list.map((q) => {
        const since = q.oldestWaitingSince ? Date.parse(q.oldestWaitingSince) : null;
        const level = waitLevel(since === null ? null : Math.max(0, t - since) / 1000, q.oldestWaitingAlertSeconds);
        const thresholds = Object.keys(q.today.serviceLevel).sort((a, b) => Number(a) - Number(b));
        const first = thresholds[0];
        const isSelected = selected !== null && queueKey(selected) === queueKey(q);
        return (
          <button
            type="button"
            key={queueKey(q)}
            class={`queue wait-${level}`}
            data-queue={queueLabel(q)}
            data-wait={level}
            aria-pressed={isSelected}
            onClick={() => onSelect(isSelected ? null : q)}
          >
            <span class="qname">{queueLabel(q)}</span>
            <span class="qstats">
              <span class="qstat" data-stat="waiting">
                <b>{q.waiting}</b> waiting
              </span>
              <span class="qstat oldest" data-stat="oldest" title={q.oldestWaitingAlertSeconds === null ? 'no alert threshold' : `alert after ${q.oldestWaitingAlertSeconds} s`}>
                oldest <b>{q.oldestWaitingSince ? <Since since={q.oldestWaitingSince} /> : '—'}</b>
              </span>
              <span class="qstat" data-stat="service-level" title={`answered or left within ${first ?? '?'} s, of today's queued contacts whose outcome is known`}>
                SL{first ? ` ${first}s` : ''} <b>{percent(first ? q.today.serviceLevel[first] : null)}</b>
              </span>
              <span class="qstat" data-stat="abandoned">
                <b>{q.today.abandoned}</b> abandoned
              </span>
            </span>
          </button>
        );
      })}
    </div>
  );
}
