import { useEffect, useState } from 'preact/hooks';
import { apiBase, getJson, initToken, parseFragment } from './api.js';
import { useLoad, useVersion } from './hooks.js';
import { setEventClock } from './clock.js';
import { onSnapshot } from './live.js';
import { useCentreDates } from './dates.js';
import { connection } from './store.js';
import type { ConfigView, HealthView } from './types.js';
import { useUrlParam } from './url.js';
import { Flows } from './views/Flows.js';
import { Queues } from './views/Queues.js';
import { Report } from './views/Report.js';
import { SeatMap } from './views/SeatMap.js';

const VIEWS = [
  { id: 'seats', label: 'Seat map' },
  { id: 'queues', label: 'Queues' },
  { id: 'report', label: 'Interval report' },
  { id: 'flows', label: 'Flow exits' },
] as const;
type View = (typeof VIEWS)[number]['id'];

function viewFromHash(): View {
  const v = parseFragment(location.hash).view;
  return VIEWS.some((x) => x.id === v) ? (v as View) : 'seats';
}

export function App() {
  const [view, setView] = useState<View>(viewFromHash);
  useEffect(() => {
    const on = () => {
      if (parseFragment(location.hash).params.has('token')) {
        // a new token: start over so that every request and the stream use it
        initToken();
        location.reload();
        return;
      }
      setView(viewFromHash());
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  const config = useLoad('config', async (signal) => {
    const view = await getJson<ConfigView>('/api/config', undefined, signal);
    setEventClock(view.clock);
    return view;
  });
  // a (re)connected stream may follow a rebuild or a rules change
  useEffect(() => onSnapshot(config.reload), []);
  const configReady = config.data !== undefined || config.error !== null;
  const zone = config.data?.timezone ?? 'UTC';

  useEffect(() => {
    const label = VIEWS.find((v) => v.id === view)?.label;
    document.title = `${label} · Switchboard`;
  }, [view]);

  const [wallboardParam, setWallboard] = useUrlParam('wallboard', '');
  const wallboard = view === 'seats' && wallboardParam === '1';
  useEffect(() => {
    if (!wallboard) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setWallboard('');
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [wallboard]);

  if (wallboard) {
    return (
      <div class="wallboard-page">
        <div class="wallboard-bar">
          <ConnectionBadge />
          <button type="button" onClick={() => setWallboard('')} data-action="exit-wallboard" title="Back to the seat map (Esc)">
            Exit wallboard
          </button>
        </div>
        <div class="banners">
          <StreamBanner />
        </div>
        <main id="main" tabIndex={-1}>
          <SeatMap config={config.data} zone={zone} wallboard />
        </main>
      </div>
    );
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <h1>Switchboard</h1>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a href={`#${v.id}`} aria-current={view === v.id ? 'page' : undefined}>
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <ConnectionBadge />
      </header>
      <div class="banners">
        {config.data?.stale && (
          <p class="banner warn" role="alert" data-banner="stale">
            Projections were built with other rules, or by another version of their definitions: run <code>switchboard rebuild</code>.
          </p>
        )}
        {config.error && (
          <p class="banner error" role="alert" data-banner="config">
            Could not load the configuration ({config.error}); using defaults (UTC, no alert thresholds).
          </p>
        )}
        <StreamBanner />
      </div>
      <main id="main" tabIndex={-1}>
        {view === 'seats' && <SeatMap config={config.data} zone={zone} />}
        {view === 'report' && <Report config={config.data} configReady={configReady} />}
        {view === 'flows' && <Flows config={config.data} configReady={configReady} />}
        {view === 'queues' && <Queues config={config.data} configReady={configReady} />}
      </main>
      <Footer config={config.data} zone={zone} />
    </>
  );
}

function ConnectionBadge() {
  useVersion(connection);
  const s = connection.state;
  const text = s === 'open' ? 'Live' : s === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span class={`conn conn-${s}`} data-connection={s} title="Live updates (server-sent events)">
      <span class="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function StreamBanner() {
  useVersion(connection);
  const [, setTick] = useState(0);
  const s = connection.state;
  // "connecting" alone is normal for a moment; say so only if it lasts
  const waited = Date.now() - connection.since;
  useEffect(() => {
    if (s !== 'connecting' || waited >= 5000) return;
    const t = setTimeout(() => setTick((n) => n + 1), 5000 - waited + 50);
    return () => clearTimeout(t);
  }, [s, connection.since]);
  if (s === 'open' || (s === 'connecting' && waited < 5000)) return null;
  return (
    <p class="banner error" role="alert" data-banner="stream">
      Live updates are disconnected: reconnecting… The seat map may be out of date.
    </p>
  );
}

function Footer({ config, zone }: { config: ConfigView | undefined; zone: string }) {
  const dates = useCentreDates(zone, config?.phoneRegion);
  const health = useLoad('health', (signal) => getJson<HealthView>('/api/health', undefined, signal));
  useEffect(() => {
    const t = setInterval(health.reload, 30_000);
    return () => clearInterval(t);
  }, []);
  const h = health.data;
  return (
    <footer class="foot">
      <span>API: {apiBase() || 'same origin'}</span>
      {config && (
        <span>
          Zone {config.timezone} · buckets {config.bucketMinutes} min
        </span>
      )}
      {h && (
        <span>
          {h.events.toLocaleString()} events · {h.quarantined.toLocaleString()} quarantined
          {h.lastEventAt ? ` · last event ${dates.dateTime(Date.parse(h.lastEventAt))} (${zone})` : ''}
        </span>
      )}
    </footer>
  );
}
