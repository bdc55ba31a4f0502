import { useMemo, useState } from 'preact/hooks';
import { classify, type ActivityClass } from '../activity.js';
import { ALERT_KIND_LABELS, type Thresholds } from '../alerts.js';
import { useVersion } from '../hooks.js';
import { agentStore, alertStore } from '../store.js';
import { formatDuration, wallTime } from '../time.js';
import type { AgentView, Alert, ConfigView, QueueNowView } from '../types.js';
import { queueLabel } from '../queues.js';
import { QueueStrip } from './QueueStrip.js';
import { displayName, Tile } from './Tile.js';

type Category = 'all' | 'loggedIn' | ActivityClass | 'other';

const COUNTERS: Array<{ cat: Category; label: string; classes?: ActivityClass[] }> = [
  { cat: 'loggedIn', label: 'Logged in' },
  { cat: 'available', label: 'Available', classes: ['available'] },
  { cat: 'oncontact', label: 'On contact', classes: ['oncontact'] },
  { cat: 'onhold', label: 'On hold', classes: ['onhold'] },
  { cat: 'acw', label: 'ACW', classes: ['acw'] },
  { cat: 'custom', label: 'In breaks', classes: ['custom'] },
  { cat: 'other', label: 'Incoming / missed / error', classes: ['incoming', 'missed', 'error', 'paused'] },
  { cat: 'offline', label: 'Logged out', classes: ['offline'] },
];

function inCategory(cat: Category, a: AgentView, cls: ActivityClass): boolean {
  if (cat === 'all') return true;
  if (cat === 'loggedIn') return a.loggedIn;
  const entry = COUNTERS.find((c) => c.cat === cat);
  return entry?.classes?.includes(cls) ?? false;
}

type Sort = 'name' | 'time';

const sinceMs = (a: AgentView) => (a.activity?.since ? Date.parse(a.activity.since) : Infinity);

export function SeatMap({ config, zone }: { config: ConfigView | undefined; zone: string }) {
  const version = useVersion(agentStore);
  const alertVersion = useVersion(alertStore);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<Sort>('name');
  const [cat, setCat] = useState<Category>('all');
  const [showLoggedOut, setShowLoggedOut] = useState(true);
  const [queue, setQueue] = useState<QueueNowView | null>(null);
  const thresholds: Thresholds | undefined = config?.alerts;

  const classified = useMemo(() => {
    const list: Array<{ a: AgentView; cls: ActivityClass; name: string }> = [];
    for (const a of agentStore.agents.values()) list.push({ a, cls: classify(a), name: displayName(a) });
    return list;
  }, [version]);

  const counts = useMemo(() => {
    const n = new Map<Category, number>();
    for (const { a, cls } of classified)
      for (const c of COUNTERS) if (inCategory(c.cat, a, cls)) n.set(c.cat, (n.get(c.cat) ?? 0) + 1);
    return n;
  }, [classified]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = classified.filter(
      ({ a, cls, name }) =>
        (showLoggedOut || cat === 'offline' || a.loggedIn) &&
        (!queue || queue.agentArns.includes(a.agentArn)) &&
        inCategory(cat, a, cls) &&
        (!q ||
          name.toLowerCase().includes(q) ||
          (a.activity?.name.toLowerCase().includes(q) ?? false) ||
          (a.status?.name.toLowerCase().includes(q) ?? false) ||
          a.agentArn.toLowerCase().includes(q)),
    );
    const byName = (x: (typeof list)[number], y: (typeof list)[number]) =>
      x.name.localeCompare(y.name, undefined, { numeric: true }) || x.a.agentArn.localeCompare(y.a.agentArn);
    if (sort === 'name') list.sort(byName);
    // longest in their current activity first; logged-out agents last
    else list.sort((x, y) => Number(y.a.loggedIn) - Number(x.a.loggedIn) || sinceMs(x.a) - sinceMs(y.a) || byName(x, y));
    return list;
  }, [classified, query, sort, cat, showLoggedOut, queue]);

  const total = classified.length;

  return (
    <section class="seatmap" aria-labelledby="seatmap-title">
      <h2 id="seatmap-title" class="visually-hidden">
        Seat map
      </h2>
      <QueueStrip selected={queue} onSelect={setQueue} />
      <div class="counters" role="group" aria-label="Summary (select to filter)">
        {COUNTERS.map((c) => (
          <button
            type="button"
            key={c.cat}
            class={`counter k-${c.cat}`}
            aria-pressed={cat === c.cat}
            data-counter={c.cat}
            onClick={() => setCat(cat === c.cat ? 'all' : c.cat)}
          >
            <span class="count">{counts.get(c.cat) ?? 0}</span>
            <span class="what">{c.label}</span>
          </button>
        ))}
      </div>
      <div class="toolbar">
        <span class="field">
          <label for="seat-filter">Filter</label>
          <input
            id="seat-filter"
            type="search"
            value={query}
            placeholder="name, status, activity"
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
        </span>
        <span class="field">
          <label for="seat-sort">Sort by</label>
          <select id="seat-sort" value={sort} onChange={(e) => setSort((e.target as HTMLSelectElement).value as Sort)}>
            <option value="name">Name</option>
            <option value="time">Time in state</option>
          </select>
        </span>
        <label class="check">
          <input type="checkbox" checked={showLoggedOut} onChange={(e) => setShowLoggedOut((e.target as HTMLInputElement).checked)} />{' '}
          Show logged-out agents
        </label>
        <span class="shown" aria-live="polite">
          {shown.length === total ? `${total} agents` : `${shown.length} of ${total} agents`}
          {queue ? ` serving ${queueLabel(queue)} today` : ''}
        </span>
      </div>
      <div class="seatmap-body">
        {total === 0 ? (
          <p class="empty">No agents yet: waiting for agent events.</p>
        ) : (
          <ul class="tiles" aria-label="Agents">
            {shown.map(({ a }) => (
              <Tile key={a.agentArn} agent={a} thresholds={thresholds} alerts={alertStore.byAgent.get(a.agentArn)} />
            ))}
          </ul>
        )}
        <AlertFeed alerts={alertStore.recent} zone={zone} version={alertVersion} />
      </div>
    </section>
  );
}

function AlertFeed({ alerts, zone }: { alerts: readonly Alert[]; zone: string; version: number }) {
  const fmt = useMemo(() => {
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      return null;
    }
  }, [zone]);
  return (
    <aside class="alert-feed" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Recent alerts</h2>
      {alerts.length === 0 ? (
        <p class="muted">No recent alerts.</p>
      ) : (
        <ol>
          {alerts.slice(0, 50).map((al) => {
            const t = Date.parse(al.at);
            return (
              <li key={al.id} class={`alert k-${al.kind}${al.ended ? ' ended' : ''}`}>
                <time dateTime={al.at}>{fmt && Number.isFinite(t) ? fmt.format(t) : wallTime(al.at)}</time>{' '}
                <strong>{ALERT_KIND_LABELS[al.kind] ?? al.kind}</strong>
                {al.kind === 'LongStatus' && al.name ? ` (${al.name})` : ''}
                {al.kind === 'ContactAbandoned' && al.name ? ` (${al.name.replace(/_/g, ' ')})` : ''}
                {(al.kind === 'LongQueueWait' || al.kind === 'ServiceLevelBelowTarget') && al.name ? ` (${al.name.split('/').pop()})` : ''}
                {al.serviceLevel ? ` ${al.serviceLevel.percent.toFixed(1)}% < ${al.serviceLevel.targetPercent}%` : ''}
                <div class="muted">
                  {al.username ?? al.agentArn?.split('/').pop() ?? al.contactId ?? ''}
                  {al.seconds > 0 ? ` · ${formatDuration(al.seconds)}` : ''}
                  {al.thresholdSeconds != null ? ` (limit ${formatDuration(al.thresholdSeconds)})` : ''}
                  {al.ended ? ' · ended' : ''}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </aside>
  );
}
