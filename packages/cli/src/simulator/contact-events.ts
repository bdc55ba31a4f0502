import type { AgentProfile, Instance } from './roster.js';
import type { SimContact, SimEvent } from './model.js';
import { Rng } from './random.js';
import { isoMs, isoSec } from './time.js';

/** EventBridge delivers at least once: now and then a target sees an event twice. */
const REDELIVERY = 0.005;

/**
 * Connect's third feed for the simulated contacts: the EventBridge contact
 * events (INITIATED, CONNECTED_TO_SYSTEM for chats, QUEUED, CONNECTED_TO_AGENT,
 * DISCONNECTED, COMPLETED), published at the moment each happens, with the
 * times the contact's agent events and contact record carry (the record in
 * whole seconds, the events in milliseconds). Its randomness (event ids,
 * redeliveries) has a stream of its own, so the rest of the traffic is the
 * same with or without it.
 */
export class ContactEvents {
  private readonly rng: Rng;

  constructor(
    private readonly instance: Instance,
    seed: number,
    private readonly publish: (e: SimEvent) => void,
  ) {
    this.rng = new Rng(seed, 2);
  }

  initiated(c: SimContact, at: number): void {
    this.emit('INITIATED', c, at);
    // a chat (API) has its media at once; inbound calls publish no CONNECTED_TO_SYSTEM
    if (c.channel === 'CHAT') this.emit('CONNECTED_TO_SYSTEM', c, at);
  }

  queued(c: SimContact, at: number): void {
    this.emit('QUEUED', c, at);
  }

  connectedToAgent(c: SimContact, at: number): void {
    this.emit('CONNECTED_TO_AGENT', c, at);
  }

  disconnected(c: SimContact, at: number): void {
    this.emit('DISCONNECTED', c, at);
    // with no agent there is no after-contact work: COMPLETED follows at once with the same data
    if (!c.handledBy) this.emit('COMPLETED', c, at);
  }

  /** The agent cleared the contact (after-contact work done). */
  completed(c: SimContact, at: number): void {
    this.emit('COMPLETED', c, at);
  }

  private emit(type: string, c: SimContact, at: number): void {
    const payload = this.event(type, c, at);
    const e: SimEvent = { at, kind: 'contactEvent', partitionKey: c.id, payload };
    this.publish(e);
    if (this.rng.chance(REDELIVERY)) this.publish(e);
  }

  private event(type: string, c: SimContact, at: number): Record<string, unknown> {
    const { arn, accountId, region, id } = this.instance;
    const detail: Record<string, unknown> = {
      eventType: type,
      contactId: c.id,
      ...(c.initialContactId ? { initialContactId: c.initialContactId } : {}),
      ...(c.previousContactId ? { previousContactId: c.previousContactId } : {}),
      channel: c.channel,
      instanceArn: arn,
      initiationMethod: c.initiationMethod,
      initiationTimestamp: isoMs(c.initiatedAt),
    };
    if (c.channel === 'CHAT') detail.connectedToSystemTimestamp = isoMs(c.initiatedAt);
    if (c.queue && c.enqueuedAt >= 0) detail.queueInfo = { queueArn: c.queue.arn, queueType: 'STANDARD', enqueueTimestamp: isoMs(c.enqueuedAt) };
    if (c.handledBy && c.connectedAt >= 0) detail.agentInfo = agentInfo(c.handledBy, c, type === 'COMPLETED' ? at : -1);
    if (c.disconnectedAt >= 0 && (type === 'DISCONNECTED' || type === 'COMPLETED')) detail.disconnectTimestamp = isoMs(c.disconnectedAt);
    detail.tags = { 'aws:connect:instanceId': id };
    return {
      version: '0',
      id: this.rng.uuid(),
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: accountId,
      time: isoSec(at),
      region,
      resources: [arn, `${arn}/contact/${c.id}`],
      detail,
    };
  }
}

function agentInfo(agent: AgentProfile, c: SimContact, acwEnd: number): Record<string, unknown> {
  const info: Record<string, unknown> = { agentArn: agent.arn, connectedToAgentTimestamp: isoMs(c.connectedAt) };
  if (acwEnd >= 0) {
    info.afterContactWorkStartTimestamp = isoMs(c.disconnectedAt);
    info.afterContactWorkEndTimestamp = isoMs(acwEnd);
    info.afterContactWorkDuration = Math.floor(acwEnd / 1000) - Math.floor(c.disconnectedAt / 1000);
  }
  return info;
}
