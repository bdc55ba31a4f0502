/**
 * The Kinesis streams Amazon Connect writes to (Data streaming: agent events,
 * contact records), or existing ones: Connect instances often stream somewhere
 * already, and a stream can have several consumers.
 */
import { settings } from './settings.js';

function stream(name: string) {
  return new sst.aws.KinesisStream(name, {
    // on-demand capacity (SST's default); keep a week so that a stalled consumer can catch up
    transform: { stream: { retentionPeriod: 168 } },
  });
}

const agentEvents = settings.agentStreamArn ? undefined : stream('AgentEvents');
const contactRecords = settings.contactStreamArn ? undefined : stream('ContactRecords');

export const agentStreamArn = settings.agentStreamArn ?? agentEvents!.arn;
export const contactStreamArn = settings.contactStreamArn ?? contactRecords!.arn;

/** Each stream the ingest function reads: created here (`stream` set) or existing (`arn` only). */
export const ingestSources: Array<{ name: string; arn: $util.Input<string>; stream?: sst.aws.KinesisStream }> = [
  { name: 'AgentEvents', arn: agentStreamArn, stream: agentEvents },
  ...(settings.contactStreamArn && settings.contactStreamArn === settings.agentStreamArn
    ? [] // one stream carries both
    : [{ name: 'ContactRecords', arn: contactStreamArn, stream: contactRecords }]),
];
