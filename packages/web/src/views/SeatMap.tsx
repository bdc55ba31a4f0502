import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { classify, type ActivityClass } from '../activity.js';
import { alertingAgents, type Thresholds } from '../alerts.js';
import { atTime, now } from '../clock.js';
import { AlertFeed } from '../components/AlertFeed.js';
import { useCentreDates, type CentreDates } from '../dates.js';
import { useVersion } from '../hooks.js';
import { agentStore, alertStore } from '../store.js';
import type { AgentView, ConfigView, QueueNowView } from '../types.js';
import { queueLabel } from '../queues.js';
import { setUrlParams, useUrlParam } from '../url.js';
import { QueueStrip } from './QueueStrip.js';
import { displayName, Tile } from './Tile.js';

type Category = 'all' | 'loggedIn' | 'alerting' | ActivityClass | 'other';

const COUNTERS: Array<{ cat: Category; label: string; classes?: ActivityClass[] }> = [
  { cat: 'loggedIn', label: 'Logged in' },
  { cat: 'alerting', label: 'Alerting' },
  { cat: 'available', label: 'Available', classes: ['available'] },
  { cat: 'oncontact', label: 'On contact', classes: ['oncontact'] },
  { cat: 'onhold', label: 'On hold', classes: ['onhold'] },
  { cat: 'acw', label: 'ACW', classes: ['acw'] },
  { cat: 'custom', label: 'In breaks', classes: ['custom'] },
  { cat: 'other', label: 'Incoming / missed / error', classes: ['incoming', 'missed', 'error', 'paused'] },
  { cat: 'offline', label: 'Logged out', classes: ['offline'] },
];
const CATEGORIES = new Set<string>(['all', ...COUNTERS.map((c) => c.cat)]);

function inCategory(cat: Category, a: AgentView, cls: ActivityClass, alerting: ReadonlySet<string>): boolean {
  if (cat === 'all') return true;
  if (cat === 'loggedIn') return a.loggedIn;
  if (cat === 'alerting') return alerting.has(a.agentArn);
  const entry = COUNTERS.find((c) => c.cat === cat);
  return entry?.classes?.includes(cls) ?? false;
}

type Sort = 'name' | 'time';
type Density = 'detailed' | 'compact';

const sinceMs = (a: AgentView) => (a.activity?.since ? Date.parse(a.activity.since) : Infinity);

export interface SeatMapProps {
  config: ConfigView | undefined;
  zone: string;
  /** full screen for a wall display: counters, every agent in one screen, recent alerts */
  wallboard?: boolean;
  /** live figures of the whole centre above the counters (a strip of queues), in the part that stays in view */
  strip?: ComponentChildren;
}

export function SeatMap({ config, zone, wallboard = false, strip }: SeatMapProps) {
  const version = useVersion(agentStore);
  const alertVersion = useVersion(alertStore);
  const dates = useCentreDates(zone, config?.phoneRegion);
  const [query, setQuery] = useUrlParam('q', '');
  const [sort, setSort] = useUrlParam<Sort>('sort', 'name', (v) => v === 'name' || v === 'time');
  const [cat, setCat] = useUrlParam<Category>('show', 'all', (v) => CATEGORIES.has(v));
  const [loggedOut, setLoggedOut] = useUrlParam<'show' | 'hide'>('loggedOut', 'show', (v) => v === 'show' || v === 'hide');
  const [density, setDensity] = useUrlParam<Density>('tiles', 'detailed', (v) => v === 'detailed' || v === 'compact');
  const [queue, setQueue] = useState<QueueNowView | null>(null);
  const thresholds: Thresholds | undefined = config?.alerts;
  const compact = wallboard || density === 'compact';

  const classified = useMemo(() => {
    const list: Array<{ a: AgentView; cls: ActivityClass; name: string }> = [];
    for (const a of agentStore.agents.values()) list.push({ a, cls: classify(a), name: displayName(a) });
    return list;
  }, [version]);

  // Who is over a threshold changes with the clock: recomputed when the next agent crosses one.
  const [crossed, setCrossed] = useState(0);
  const alerting = useMemo(
    () => alertingAgents(agentStore.agents.values(), thresholds, alertStore.byAgent, now()),
    [version, alertVersion, thresholds, crossed],
  );
  useEffect(() => (alerting.next === null ? undefined : atTime(alerting.next, () => setCrossed((n) => n + 1))), [alerting]);

  const counts = useMemo(() => {
    const n = new Map<Category, number>();
    for (const { a, cls } of classified)
      for (const c of COUNTERS) if (inCategory(c.cat, a, cls, alerting.arns)) n.set(c.cat, (n.get(c.cat) ?? 0) + 1);
    return n;
  }, [classified, alerting]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = classified.filter(
      ({ a, cls, name }) =>
        (wallboard || loggedOut === 'show' || cat === 'offline' || a.loggedIn) &&
        (wallboard || !queue || queue.agentArns.includes(a.agentArn)) &&
        (wallboard || inCategory(cat, a, cls, alerting.arns)) &&
        (wallboard ||
          !q ||
          name.toLowerCase().includes(q) ||
          (a.activity?.name.toLowerCase().includes(q) ?? false) ||
          (a.status?.name.toLowerCase().includes(q) ?? false) ||
          a.agentArn.toLowerCase().includes(q)),
    );
    const byName = (x: (typeof list)[number], y: (typeof list)[number]) =>
      x.name.localeCompare(y.name, undefined, { numeric: true }) || x.a.agentArn.localeCompare(y.a.agentArn);
    if (sort === 'name' && !wallboard) list.sort(byName);
    // longest in their current activity first; logged-out agents last
    else list.sort((x, y) => Number(y.a.loggedIn) - Number(x.a.loggedIn) || sinceMs(x.a) - sinceMs(y.a) || byName(x, y));
    return list;
  }, [classified, query, sort, cat, loggedOut, alerting, wallboard, queue]);

  // every agent's name, not only those shown: a filter does not change the columns
  const compactColumn = useMemo(() => (compact && !wallboard ? compactColumnWidth(classified.map((c) => c.name)) : null), [classified, compact, wallboard]);

  const total = classified.length;
  const summary = useRef<HTMLDivElement>(null);
  useStickyHeight(summary, '--summary-h');

  const counters = (
    <div class="counters" role="group" aria-label="Summary (select to filter)">
      {COUNTERS.map((c) => (
        <button
          type="button"
          key={c.cat}
          class={`counter k-${c.cat}${c.cat === 'alerting' && (counts.get(c.cat) ?? 0) > 0 ? ' hot' : ''}`}
          aria-pressed={cat === c.cat}
          data-counter={c.cat}
          title={c.cat === 'alerting' ? 'Agents over an alert threshold (hold, after-contact work, time in a status)' : undefined}
          onClick={() => setCat(cat === c.cat ? 'all' : c.cat)}
        >
          <span class="count">{counts.get(c.cat) ?? 0}</span>
          <span class="what">{c.label}</span>
        </button>
      ))}
    </div>
  );

  const above = (
    <>
      <QueueStrip selected={wallboard ? null : queue} onSelect={wallboard ? () => undefined : setQueue} />
      {strip ? <div class="seatmap-strip">{strip}</div> : null}
    </>
  );

  if (wallboard) {
    return <Wallboard above={above} counters={counters} agents={shown} total={total} thresholds={thresholds} dates={dates} alertVersion={alertVersion} />;
  }

  return (
    <section class="seatmap" aria-labelledby="seatmap-title">
      <h2 id="seatmap-title" class="visually-hidden">
        Seat map
      </h2>
      {/* The summary stays in view while the agents scroll under it, with the centre's live figures at its top. */}
      <div class="seatmap-summary" ref={summary}>
        {above}
        {counters}
        <div class="toolbar">
          <span class="field">
            <label for="seat-filter">Filter</label>
            <input id="seat-filter" type="search" value={query} placeholder="name, status, activity" onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          </span>
          <span class="field">
            <label for="seat-sort">Sort by</label>
            <select id="seat-sort" value={sort} onChange={(e) => setSort((e.target as HTMLSelectElement).value as Sort)}>
              <option value="name">Name</option>
              <option value="time">Time in state</option>
            </select>
          </span>
          <span class="field">
            <label for="seat-density">Tiles</label>
            <select id="seat-density" value={density} onChange={(e) => setDensity((e.target as HTMLSelectElement).value as Density)}>
              <option value="detailed">Detailed</option>
              <option value="compact">Compact</option>
            </select>
          </span>
          <label class="check">
            <input type="checkbox" checked={loggedOut === 'show'} onChange={(e) => setLoggedOut((e.target as HTMLInputElement).checked ? 'show' : 'hide')} /> Show logged-out agents
          </label>
          <button type="button" onClick={() => setUrlParams({ wallboard: '1' })} data-action="wallboard" title="Every agent on one screen, for a wall display (Esc to leave)">
            Wallboard
          </button>
          <span class="shown" aria-live="polite">
            {shown.length === total ? agentCount(total) : `${shown.length} of ${agentCount(total)}`}
            {queue ? ` serving ${queueLabel(queue)} today` : ''}
          </span>
        </div>
      </div>
      <div class="seatmap-body">
        {total === 0 ? (
          <p class="empty">No agents yet: waiting for agent events.</p>
        ) : (
          <ul class={`tiles${compact ? ' compact' : ''}`} aria-label="Agents" style={compactColumn ? { '--compact-column': `${compactColumn}px` } : undefined}>
            {shown.map(({ a }) => (
              <Tile key={a.agentArn} agent={a} thresholds={thresholds} alerts={alertStore.byAgent.get(a.agentArn)} dates={dates} compact={compact} />
            ))}
          </ul>
        )}
        <AlertFeed alerts={alertStore.recent} dates={dates} version={alertVersion} exitLabels={config?.exitLabels} />
      </div>
    </section>
  );
}

/** Compact tiles: the name's font (styles.css `.tile.compact .name`), and what a tile holds besides its name. */
const COMPACT_FONT = '500 12px';
const COMPACT_TIME = '00:00';
/** left border 4, padding 4 + 4, right border 1, gap 3, and a little air */
const COMPACT_FRAME = 20;
const nameWidths = new Map<string, number>();
let measurer: CanvasRenderingContext2D | null | undefined;

/**
 * The width of a compact tile that shows the longest of `names` whole beside
 * an "m:ss" time, in CSS pixels; null where the browser cannot measure text.
 * Names are measured once each (a live centre re-renders often).
 */
function compactColumnWidth(names: readonly string[]): number | null {
  if (measurer === undefined) {
    measurer = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    if (measurer) measurer.font = `${COMPACT_FONT} ${getComputedStyle(document.body).fontFamily}`;
  }
  const context = measurer;
  if (!context) return null;
  const width = (text: string) => {
    let w = nameWidths.get(text);
    if (w === undefined) nameWidths.set(text, (w = context.measureText(text).width));
    return w;
  };
  let widest = 0;
  for (const name of names) widest = Math.max(widest, width(name));
  return Math.ceil(widest + width(COMPACT_TIME) + COMPACT_FRAME);
}

const agentCount = (n: number) => `${n.toLocaleString('en-US')} agent${n === 1 ? '' : 's'}`;

/** Keeps a CSS variable on the document at the element's height (what sticks below it starts there). */
function useStickyHeight(ref: { current: HTMLElement | null }, variable: string): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const set = () => document.documentElement.style.setProperty(variable, `${el.offsetHeight}px`);
    const observer = new ResizeObserver(set);
    observer.observe(el);
    set();
    return () => observer.disconnect();
  }, [ref.current]);
}

interface WallboardProps {
  above: preact.JSX.Element | null;
  counters: preact.JSX.Element;
  agents: Array<{ a: AgentView }>;
  total: number;
  thresholds: Thresholds | undefined;
  dates: CentreDates;
  alertVersion: number;
}

/** Every agent on one screen: tiles sized so that all fit the space left by the counters and the alerts. */
function Wallboard({ above, counters, agents, total, thresholds, dates, alertVersion }: WallboardProps) {
  const grid = useRef<HTMLUListElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = grid.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  const fit = fitTiles(box.width, box.height, agents.length);
  return (
    <section class="seatmap wallboard" aria-label="Wallboard">
      {above}
      {counters}
      <div class="wallboard-body">
        <ul
          ref={grid}
          class={`tiles compact${fit.height < 14 ? ' tiny' : ''}${box.width / fit.columns < 120 ? ' narrow' : ''}`}
          aria-label={`Agents (${total})`}
          style={{ gridTemplateColumns: `repeat(${fit.columns}, minmax(0, 1fr))`, gridAutoRows: `${fit.height}px`, '--tile-font': `${Math.min(18, Math.max(9, fit.height * 0.42))}px` }}
        >
          {agents.map(({ a }) => (
            <Tile key={a.agentArn} agent={a} thresholds={thresholds} alerts={alertStore.byAgent.get(a.agentArn)} dates={dates} compact />
          ))}
        </ul>
        <AlertFeed alerts={alertStore.recent} dates={dates} version={alertVersion} limit={12} />
      </div>
    </section>
  );
}

const GAP = 4;
const MAX_TILE_HEIGHT = 72;
/** width / height of a wallboard tile: room for a name and a time */
const ASPECT = 3.4;

/** Rows and columns that fit `n` tiles of the largest height into width x height. */
export function fitTiles(width: number, height: number, n: number): { columns: number; height: number } {
  if (n === 0 || width <= 0 || height <= 0) return { columns: 1, height: MAX_TILE_HEIGHT };
  for (let rows = 1; rows <= n; rows++) {
    const h = Math.min(MAX_TILE_HEIGHT, (height - (rows - 1) * GAP) / rows);
    const columns = Math.max(1, Math.floor((width + GAP) / (h * ASPECT + GAP)));
    if (columns * rows >= n) return { columns: Math.min(columns, n), height: Math.floor(h) };
  }
  return { columns: n, height: 4 };
}
