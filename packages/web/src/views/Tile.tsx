import { Component } from 'preact';
import { activityLabel, agentColour, CHANNEL_LABELS, classify, CONTACT_STATE_LABELS } from '../activity.js';
import { tileAlerts, type Thresholds } from '../alerts.js';
import { atTime, now, stats } from '../clock.js';
import { ChannelIcon } from '../components/Icons.js';
import { Since } from '../components/Since.js';
import type { CentreDates } from '../dates.js';
import type { AgentView, Alert } from '../types.js';

export interface TileProps {
  agent: AgentView;
  thresholds: Thresholds | undefined;
  /** stream alerts for this agent (a new array only when they change) */
  alerts: readonly Alert[] | undefined;
  /** the centre's date formats (a logged-out agent shows when they logged out) */
  dates: CentreDates;
  /** one line: name, activity colour and time (a thousand agents on a screen or two) */
  compact?: boolean;
}

const SHORT: Record<string, string> = { AfterContactWork: 'ACW' };

export const displayName = (a: AgentView): string => a.username ?? a.agentArn.split('/').pop() ?? a.agentArn;

/**
 * One agent. Renders only when its agent object, thresholds or stream alerts
 * change, or when an alert threshold is crossed; timers tick outside Preact.
 */
export class Tile extends Component<TileProps> {
  private next: number | null = null;
  private cancel: (() => void) | undefined;

  override shouldComponentUpdate(p: TileProps): boolean {
    return (
      p.agent !== this.props.agent ||
      p.thresholds !== this.props.thresholds ||
      p.alerts !== this.props.alerts ||
      p.dates !== this.props.dates ||
      p.compact !== this.props.compact
    );
  }

  override componentDidMount(): void {
    this.schedule();
  }

  override componentDidUpdate(): void {
    this.schedule();
  }

  override componentWillUnmount(): void {
    this.cancel?.();
  }

  private schedule(): void {
    this.cancel?.();
    this.cancel = this.next !== null ? atTime(this.next, () => this.forceUpdate()) : undefined;
  }

  override render() {
    stats.tileRenders++;
    const { agent: a, thresholds, alerts, dates, compact } = this.props;
    const cls = classify(a);
    const { badges, next } = tileAlerts(a, thresholds, alerts, now());
    this.next = next;
    const activity = a.activity?.name ?? a.status?.name ?? 'Unknown';
    const shown = a.loggedIn ? (SHORT[activity] ?? activityLabel(activity)) : 'Logged out';
    const status = a.status;
    const showStatus = a.loggedIn && status && status.name !== activity;
    // A logged-out agent's clock would only count the hours since: say when they left instead.
    const loggedOutAt = a.loggedIn ? null : Date.parse(a.activity?.since ?? a.lastEventAt ?? '');
    const when = loggedOutAt !== null && Number.isFinite(loggedOutAt) ? (
      <time class="since t-loggedout" dateTime={new Date(loggedOutAt).toISOString()} title={`Logged out at ${dates.dateTime(loggedOutAt)}`}>
        {compact ? dates.shortWhen(loggedOutAt, now()) : `since ${dates.sinceWhen(loggedOutAt, now())}`}
      </time>
    ) : null;
    const common = {
      class: `tile c-${cls}${badges.length ? ' alerting' : ''}${compact ? ' compact' : ''}`,
      style: { '--c': agentColour(a, cls) },
      'data-agent': a.agentArn,
      'data-activity': a.loggedIn ? activity : 'LoggedOut',
    };
    if (compact) {
      const title = [
        displayName(a),
        shown,
        ...(showStatus ? [`status ${status.name}`] : []),
        ...a.contacts.map((c) => `${c.channel ?? '?'} ${CONTACT_STATE_LABELS[c.state] ?? c.state}`),
        ...badges.map((b) => b.title),
      ].join(' · ');
      return (
        <li {...common} title={title}>
          <span class="name">{displayName(a)}</span>
          {/* the ring and the red time say it; no mark that would take the name's room */}
          {badges.length > 0 && <span class="visually-hidden">Alert: {badges.map((b) => b.title).join(', ')}</span>}
          {when ?? <Since since={a.activity?.since} class="t-activity" />}
        </li>
      );
    }
    return (
      <li {...common}>
        <div class="tile-head">
          <span class="name" title={a.agentArn}>
            {displayName(a)}
          </span>
        </div>
        {badges.length > 0 && (
          <div class="badges">
            {badges.map((b) => (
              <span key={b.key} class="badge" data-kind={b.kind} title={b.title} role="img" aria-label={`Alert: ${b.title}`}>
                {b.label}
              </span>
            ))}
          </div>
        )}
        <div class="tile-activity">
          <span class="chip" title={activityLabel(activity)}>
            {shown}
          </span>
          {when ?? <Since since={a.activity?.since} class="t-activity" />}
        </div>
        {showStatus && (
          <div class="tile-status">
            <span class="label">Status</span> {status.name} <Since since={status.since} />
          </div>
        )}
        {a.contacts.length > 0 && (
          <ul class="contacts" aria-label={`Contacts of ${displayName(a)}`}>
            {a.contacts.map((c) => (
              <li key={c.contactId} class={`contact s-${c.state}`} data-contact={c.contactId}>
                <ChannelIcon channel={c.channel} />
                <span class="channel" title={CHANNEL_LABELS[c.channel ?? ''] ?? c.channel ?? 'Unknown channel'}>
                  {c.channel ?? '?'}
                </span>
                <span class="cstate">{CONTACT_STATE_LABELS[c.state] ?? c.state}</span>
                <Since since={c.since} />
              </li>
            ))}
          </ul>
        )}
      </li>
    );
  }
}
