/**
 * Live state outside the component tree: agents (by ARN), alerts from the
 * stream, the stream's connection state and projection-change notices.
 * Each store bumps a version and notifies subscribers; notifications are
 * coalesced to one per animation frame so a burst of messages renders once.
 */
import type { AgentView, Alert } from './types.js';

type Listener = () => void;

class Observable {
  version = 0;
  private listeners = new Set<Listener>();
  private scheduled = false;

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  protected changed(): void {
    this.version++;
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      for (const fn of [...this.listeners]) fn();
    };
    // rAF stalls in background tabs; a timeout keeps state flowing there
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 50);
  }
}

const lastEvent = (a: AgentView) => (a.lastEventAt ? Date.parse(a.lastEventAt) : -Infinity);

export class AgentStore extends Observable {
  agents = new Map<string, AgentView>();
  /** true once a stream snapshot arrived: older fetches must not overwrite it */
  synced = false;

  /** Full state from the stream: replaces everything. */
  snapshot(list: readonly AgentView[]): void {
    const next = new Map<string, AgentView>();
    for (const a of list) {
      const old = this.agents.get(a.agentArn);
      // keep object identity when nothing changed, so tiles skip rendering
      next.set(a.agentArn, old && sameAgent(old, a) ? old : a);
    }
    this.agents = next;
    this.synced = true;
    this.changed();
  }

  /** Changed agents from the stream. */
  update(list: readonly AgentView[]): void {
    if (list.length === 0) return;
    for (const a of list) this.agents.set(a.agentArn, a);
    this.changed();
  }

  /**
   * GET /api/agents polled while the stream is down: the full list, but an
   * agent the stream told about more recently is kept.
   */
  poll(list: readonly AgentView[]): void {
    const next = new Map<string, AgentView>();
    for (const a of list) {
      const old = this.agents.get(a.agentArn);
      next.set(a.agentArn, old && (lastEvent(old) > lastEvent(a) || sameAgent(old, a)) ? old : a);
    }
    this.agents = next;
    this.changed();
  }

  /** GET /api/agents: only fills in what the stream has not told newer. */
  merge(list: readonly AgentView[]): void {
    if (this.synced) return;
    for (const a of list) {
      const old = this.agents.get(a.agentArn);
      if (!old || lastEvent(a) >= lastEvent(old)) this.agents.set(a.agentArn, a);
    }
    this.changed();
  }
}

function sameAgent(a: AgentView, b: AgentView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const MAX_ALERTS = 200;

export class AlertStore extends Observable {
  /** newest first */
  recent: Alert[] = [];
  private ids = new Set<string>();
  /** per agent ARN, a new array whenever that agent's alerts change */
  byAgent = new Map<string, Alert[]>();

  /** Adds alerts (oldest first); the feed stays sorted newest first. */
  add(alerts: readonly Alert[]): void {
    let any = false;
    for (const al of alerts) {
      if (!al || this.ids.has(al.id)) continue;
      this.ids.add(al.id);
      this.recent.unshift(al);
      if (al.agentArn) this.byAgent.set(al.agentArn, [al, ...(this.byAgent.get(al.agentArn) ?? [])].slice(0, 20));
      any = true;
    }
    if (!any) return;
    this.recent.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    if (this.recent.length > MAX_ALERTS) {
      for (const old of this.recent.splice(MAX_ALERTS)) this.ids.delete(old.id);
    }
    this.recent = [...this.recent];
    this.changed();
  }
}

export type ConnectionState = 'connecting' | 'open' | 'down';

export class ConnectionStore extends Observable {
  state: ConnectionState = 'connecting';
  /** when the stream was last lost (ms), for the banner */
  since = Date.now();
  everOpen = false;
  error: string | null = null;

  set(state: ConnectionState, error: string | null = null): void {
    if (state === this.state && error === this.error) return;
    if (state !== this.state) this.since = Date.now();
    if (state === 'open') this.everOpen = true;
    this.state = state;
    this.error = error;
    this.changed();
  }
}

export interface ProjectionChange {
  intervals: boolean;
  contacts: boolean;
  queueContacts?: boolean;
}

export class ProjectionBus {
  private listeners = new Set<(c: ProjectionChange) => void>();
  subscribe(fn: (c: ProjectionChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(c: ProjectionChange): void {
    for (const fn of [...this.listeners]) fn(c);
  }
}

export const agentStore = new AgentStore();
export const alertStore = new AlertStore();
export const connection = new ConnectionStore();
export const projections = new ProjectionBus();
