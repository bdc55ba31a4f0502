import type { ServerResponse } from 'node:http';
import { formatUtc, toAgentView, type Alert, type AgentState, type AgentView, type ProjectionChanges, type StreamMessage } from '@switchboard/core';

const AGENT_BATCH_MS = 250;
const KEEPALIVE_MS = 15_000;

/** Fans projection changes out to the dashboards connected to /api/stream. */
export class StreamHub {
  private readonly clients = new Set<ServerResponse>();
  private pendingAgents = new Map<string, AgentView>();
  private pendingProjections: ProjectionChanges | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly keepalive: NodeJS.Timeout;

  constructor(private readonly snapshot: () => Promise<AgentView[]>) {
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  async attach(res: ServerResponse): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    const agents = await this.snapshot();
    send(res, { type: 'snapshot', data: { agents, at: formatUtc(Date.now()) } });
  }

  agents(states: readonly AgentState[]): void {
    this.agentViews(states.map(toAgentView));
  }

  agentViews(views: readonly AgentView[]): void {
    for (const v of views) this.pendingAgents.set(v.agentArn, v);
    this.schedule();
  }

  projections(changed: ProjectionChanges): void {
    const p = (this.pendingProjections ??= { ...changed });
    for (const [key, value] of Object.entries(changed)) p[key] ||= value;
    this.schedule();
  }

  alerts(alerts: readonly Alert[]): void {
    if (alerts.length > 0) this.broadcast({ type: 'alerts', data: [...alerts] });
  }

  close(): void {
    clearInterval(this.keepalive);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private schedule(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), AGENT_BATCH_MS);
    this.flushTimer.unref();
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.pendingAgents.size > 0) {
      this.broadcast({ type: 'agents', data: [...this.pendingAgents.values()] });
      this.pendingAgents = new Map();
    }
    if (this.pendingProjections) {
      this.broadcast({ type: 'projections', data: { ...this.pendingProjections, at: formatUtc(Date.now()) } });
      this.pendingProjections = null;
    }
  }

  private broadcast(message: StreamMessage): void {
    for (const c of this.clients) send(c, message);
  }

  private write(text: string): void {
    for (const c of this.clients) c.write(text);
  }
}

function send(res: ServerResponse, message: StreamMessage): void {
  res.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`);
}
