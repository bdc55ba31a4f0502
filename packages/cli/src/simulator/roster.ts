import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import { INSTANCE_ARN, type ResolvedOptions } from './options.js';
import { phoneBook, type PhoneBook } from './phone.js';
import type { Rng } from './random.js';

export type Channel = 'VOICE' | 'CHAT' | 'TASK';
export type StatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';

export interface AgentStatusDef {
  arn: string;
  name: string;
  type: StatusType;
}

export interface QueueDef {
  key: 'sales' | 'support' | 'chat' | 'task';
  arn: string;
  name: string;
  channel: Channel;
}

export interface RoutingProfileDef {
  arn: string;
  name: string;
  queues: readonly QueueDef[];
}

/** The Connect instance the traffic belongs to, and its resources. */
export interface Instance {
  arn: string;
  id: string;
  accountId: string;
  region: string;
  statuses: { available: AgentStatusDef; offline: AgentStatusDef; break: AgentStatusDef; lunch: AgentStatusDef };
  queues: { sales: QueueDef; support: QueueDef; chat: QueueDef; task: QueueDef };
  outboundQueue: { arn: string; name: string };
  profiles: readonly RoutingProfileDef[];
  phones: PhoneBook;
  recordingPrefix: string;
}

/** One person who can log in: identity, routing profile and the agent-event Configuration. */
export interface AgentProfile {
  index: number;
  id: string;
  arn: string;
  username: string;
  firstName: string;
  lastName: string;
  profile: RoutingProfileDef;
  personalQueueArn: string;
  /** Configuration blocks by slot usage: 0-3 chats, 4 = on a voice contact, 5 = on a task */
  readonly configurations: Record<string, unknown>[];
  /** CTR Agent.RoutingProfile */
  readonly ctrRoutingProfile: Record<string, unknown>;
}

export const VOICE_SLOTS = 1;
export const CHAT_SLOTS = 3;
export const TASK_SLOTS = 1;
/** What the routable status is renamed to during a run (Connect lets an admin rename it; its type stays ROUTABLE). */
export const RENAMED_ROUTABLE = 'Ready';

export function createInstance(rng: Rng, options: ResolvedOptions): Instance {
  const arn = options.instanceArn ?? `arn:aws:connect:ap-northeast-1:123456789012:instance/${rng.uuid()}`;
  const m = INSTANCE_ARN.exec(arn)!;
  const region = m[1]!;
  const accountId = m[2]!;
  const id = m[3]!;
  const status = (name: string, type: StatusType): AgentStatusDef => ({ arn: `${arn}/agent-state/${rng.uuid()}`, name, type });
  const queue = (key: QueueDef['key'], name: string, channel: Channel): QueueDef => ({
    key,
    arn: `${arn}/queue/${rng.uuid()}`,
    name,
    channel,
  });
  const statuses = {
    available: status('Available', 'ROUTABLE'),
    offline: status('Offline', 'OFFLINE'),
    break: status('Break', 'CUSTOM'),
    lunch: status('Lunch', 'CUSTOM'),
  };
  const queues = {
    sales: queue('sales', 'Sales', 'VOICE'),
    support: queue('support', 'Support', 'VOICE'),
    chat: queue('chat', 'Chat', 'CHAT'),
    task: queue('task', 'Tasks', 'TASK'),
  };
  const outboundQueue = { arn: `${arn}/queue/${rng.uuid()}`, name: 'Outbound' };
  const profile = (name: string, qs: QueueDef[]): RoutingProfileDef => ({
    arn: `${arn}/routing-profile/${rng.uuid()}`,
    name,
    queues: qs,
  });
  const profiles = [
    profile('Omnichannel', [queues.sales, queues.support, queues.chat, queues.task]),
    profile('Sales', [queues.sales, queues.chat]),
    profile('Support', [queues.support, queues.chat, queues.task]),
  ];
  const bucket = `amazon-connect-${rng.uuid().replace(/-/g, '').slice(0, 12)}`;
  return {
    arn,
    id,
    accountId,
    region,
    statuses,
    queues,
    outboundQueue,
    profiles,
    phones: phoneBook(rng, options.phoneCountry),
    recordingPrefix: `${bucket}/connect/switchboard-sim/CallRecordings`,
  };
}

/** Seats cycle through the profiles so that every queue has agents even in a tiny centre. */
const PROFILE_BY_SEAT = [0, 1, 2, 1, 2];

/** Makes agent profiles in a fixed order; agent i always gets the same identity for a seed. */
export class Roster {
  private readonly agents: AgentProfile[] = [];
  private readonly usernames = new Set<string>();

  constructor(
    private readonly instance: Instance,
    private readonly rng: Rng,
    private readonly seats: number,
  ) {}

  agent(index: number): AgentProfile {
    while (this.agents.length <= index) this.agents.push(this.create(this.agents.length));
    return this.agents[index]!;
  }

  private create(index: number): AgentProfile {
    const { rng, instance } = this;
    const id = rng.uuid();
    const arn = `${instance.arn}/agent/${id}`;
    const firstName = rng.pick(GIVEN_NAMES);
    const lastName = rng.pick(FAMILY_NAMES);
    let username = `${firstName}.${lastName}`.toLowerCase();
    for (let n = 2; this.usernames.has(username); n++) username = `${firstName}.${lastName}${n}`.toLowerCase();
    this.usernames.add(username);
    const profile = instance.profiles[PROFILE_BY_SEAT[(index % this.seats) % PROFILE_BY_SEAT.length]!]!;
    const personalQueueArn = `${instance.arn}/queue/agent/${id}`;

    const inboundQueues = [
      { ARN: personalQueueArn, Channels: ['VOICE', 'CHAT'], Name: null },
      ...profile.queues.map((q) => ({ ARN: q.arn, Channels: [q.channel], Name: q.name })),
    ];
    const outbound = { ARN: instance.outboundQueue.arn, Channels: ['VOICE'], Name: instance.outboundQueue.name };
    const configuration = (voice: number, chat: number, task: number): Record<string, unknown> => ({
      // No hierarchy groups, as in the documentation's examples.
      AgentHierarchyGroups: null,
      FirstName: firstName,
      LastName: lastName,
      RoutingProfile: {
        ARN: profile.arn,
        Concurrency: [
          { AvailableSlots: chat, Channel: 'CHAT', MaximumSlots: CHAT_SLOTS },
          { AvailableSlots: task, Channel: 'TASK', MaximumSlots: TASK_SLOTS },
          { AvailableSlots: voice, Channel: 'VOICE', MaximumSlots: VOICE_SLOTS },
        ],
        DefaultOutboundQueue: outbound,
        InboundQueues: inboundQueues,
        Name: profile.name,
      },
      Username: username,
    });
    // Connect routes one voice call, up to three chats, or one task, never two channels at once.
    const configurations = [
      configuration(VOICE_SLOTS, CHAT_SLOTS, TASK_SLOTS),
      configuration(0, CHAT_SLOTS - 1, 0),
      configuration(0, CHAT_SLOTS - 2, 0),
      configuration(0, CHAT_SLOTS - 3, 0),
      configuration(0, 0, 0),
      configuration(0, 0, 0),
    ];
    return {
      index,
      id,
      arn,
      username,
      firstName,
      lastName,
      profile,
      personalQueueArn,
      configurations,
      ctrRoutingProfile: { ARN: profile.arn, Name: profile.name },
    };
  }
}
