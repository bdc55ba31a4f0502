/**
 * The Kinesis streams Amazon Connect writes to (Data streaming: agent events,
 * contact records), or existing ones: Connect instances often stream somewhere
 * already, and a stream can have several consumers.
 */
import { settings } from './settings.js';

/** How long the created streams keep records: a stalled consumer can catch up, and a skipped batch can be read again. */
export const STREAM_RETENTION_HOURS = 168;

function stream(name: string) {
  return new sst.aws.KinesisStream(name, {
    transform: {
      stream: (args, opts) => {
        // on-demand capacity (SST's default)
        args.retentionPeriod = STREAM_RETENTION_HOURS;
        // Connect writes to these streams: removing a production app must not delete them (like the tables)
        if (settings.production) opts.retainOnDelete = true;
      },
    },
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
