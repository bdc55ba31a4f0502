import { Command, CommanderError, Option } from 'commander';
import { OUTCOMES, ParamError, UnknownAgentError } from '@switchboard/core';
import { CliError } from './context.js';
import { ingestCommand } from './commands/ingest.js';
import { rebuildCommand } from './commands/rebuild.js';
import { pruneCommand } from './commands/prune.js';
import {
  agentsCommand,
  contactsCommand,
  funnelCommand,
  intervalsCommand,
  quarantineCommand,
  reportCommand,
} from './commands/queries.js';
import { queuesCommand } from './commands/queues.js';
import { reconcileCommand } from './commands/reconcile.js';
import { simulateCommand } from './commands/simulate.js';
import { devCommand, serveCommand } from './commands/serve.js';
import { endQuietlyWhenTheReaderGoesAway } from './stdout.js';

endQuietlyWhenTheReaderGoesAway();

const program = new Command();

program
  .name('switchboard')
  .description('Event-sourced projections of Amazon Connect agent events and contact records')
  .version('0.1.0')
  .option('--db <path>', 'SQLite store (default .switchboard/switchboard.db, env SWITCHBOARD_DB)')
  .option('--config <path>', 'rules file (default $SWITCHBOARD_CONFIG or ./switchboard.config.json)')
  .option('--json', 'print exactly one JSON document on stdout')
  .showHelpAfterError('(run `switchboard --help` for usage)')
  .exitOverride()
  .configureOutput({ writeErr: () => undefined, outputError: () => undefined });

type Action = (...args: never[]) => Promise<void>;
const run =
  (fn: Action) =>
  async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals();
    await (fn as (...a: unknown[]) => Promise<void>)(...args.slice(0, -2), options);
  };

program
  .command('ingest')
  .description('append Connect events from files (JSON Lines, JSON array, Kinesis/Pipes/Firehose batches, .gz); - reads stdin')
  .argument('<files...>', 'input files')
  .option('--strict', 'exit non-zero when any record is rejected')
  .action(run(ingestCommand));

program.command('rebuild').description('replay the event table into fresh projections under the current rules').action(run(rebuildCommand));

const WIDE = ['--wide', 'every column in full (ARNs, contact ids, times with their offset), never cut to fit the terminal'] as const;

program.command('agents').description('current agent state (the seat map)').option(...WIDE).action(run(agentsCommand));

program
  .command('intervals')
  .description('closed status, activity and contact intervals')
  .option('--agent <arnOrUsername>', 'one agent')
  .option('--from <iso>', 'intervals ending after this time')
  .option('--to <iso>', 'intervals starting before this time')
  .option(...WIDE)
  .action(run(intervalsCommand));

program
  .command('report')
  .description('interval report per agent per bucket, in the configured time zone')
  .addOption(new Option('--bucket <size>', 'bucket size').choices(['15m', '30m', '1h', '1d']))
  .option('--from <iso>', 'start (intervals are clipped)')
  .option('--to <iso>', 'end (exclusive)')
  .option('--agent <arnOrUsername>', 'one agent')
  .option('--tz <zone>', 'IANA time zone overriding the configured one')
  .option('--closed', "closed intervals only (by default states still going on count up to each agent's last event)")
  .addOption(new Option('--open', 'states still going on count (the default)').hideHelp())
  .option('--csv', 'CSV instead of a table')
  .option(...WIDE)
  .action(run(reportCommand));

program
  .command('reconcile')
  .description('compare the report with a GetMetricDataV2 response saved as JSON (grouped by AGENT); exit 1 beyond the tolerance')
  .argument('<file>', 'the response: `aws connect get-metric-data-v2 ... > FILE` (one response, or several pages)')
  .option('--tolerance <seconds>', 'allowed difference of time metrics', '5')
  .option('--count-tolerance <n>', 'allowed difference of counts', '0')
  .option('--percent-tolerance <points>', 'allowed difference of occupancy, percentage points', '1')
  .option('--closed', 'closed intervals only (as report --closed)')
  .option('--tz <zone>', 'IANA time zone for the interval times shown')
  .action(run(reconcileCommand));

program
  .command('contacts')
  .description('contact flow rows: exit point, outcome, local start time, national number')
  .addOption(
    new Option('--outcome <outcome>', 'only this outcome').choices(OUTCOMES),
  )
  .option('--from <iso>', 'contacts started at or after')
  .option('--to <iso>', 'contacts started before')
  .option('--csv', 'CSV instead of a table')
  .option(...WIDE)
  .action(run(contactsCommand));

program
  .command('funnel')
  .description('contacts per local date, exit point and outcome (chain starts only)')
  .option('--from <iso>', 'contacts started at or after')
  .option('--to <iso>', 'contacts started before')
  .option('--csv', 'CSV instead of a table')
  .option(...WIDE)
  .action(run(funnelCommand));

program
  .command('queues')
  .description("queue metrics per queue, channel and bucket (Connect's definitions), counted where contacts disconnected; --now: the live queues")
  .option('--now', 'the queues right now: waiting, oldest waiting, and today\'s counts and service level')
  .addOption(new Option('--bucket <size>', 'bucket size').choices(['15m', '30m', '1h', '1d']))
  .option('--from <iso>', 'contacts disconnected at or after')
  .option('--to <iso>', 'contacts disconnected before')
  .option('--queue <nameOrArn>', 'one queue')
  .option('--csv', 'CSV instead of a table')
  .option(...WIDE)
  .action(run(queuesCommand));

program
  .command('quarantine')
  .description('inputs that were rejected, with the reason')
  .option('--limit <n>', 'how many, newest first', '50')
  .option(...WIDE)
  .action(run(quarantineCommand));

program
  .command('prune')
  .description('delete events and projections older than the retention of the rules (retention.eventDays / projectionDays)')
  .option('--event-days <n>', 'keep events of the last n days')
  .option('--projection-days <n>', 'keep intervals, contact rows and alerts of the last n days')
  .option('--dry-run', 'count only')
  .action(run(pruneCommand));

program
  .command('simulate')
  .description('generate synthetic, internally consistent Connect traffic')
  .option('--agents <n>', 'agents', '25')
  .option('--hours <h>', 'simulated hours', '8')
  .option('--seed <n>', 'random seed', '1')
  .option('--start <iso>', 'simulation start (default 2024-04-18T08:00:00+09:00)')
  .option('--out <file>', 'output file (.gz compresses); default stdout')
  .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'kinesis']).default('jsonl'))
  .option('--kinesis-stream <name>', 'put the records to this Kinesis stream instead')
  .option('--endpoint <url>', 'Kinesis endpoint (e.g. kinesalite)')
  .option('--region <region>', 'AWS region for --kinesis-stream')
  .action(run(simulateCommand));

program
  .command('dev')
  .description('live local runtime: simulator -> ingest -> projections -> dashboard and API')
  .option('--port <port>', 'HTTP port', '3000')
  .option('--host <host>', 'bind address (anything but loopback needs --token)', '127.0.0.1')
  .option('--token <token>', 'bearer token required by the API and dashboard (env SWITCHBOARD_TOKEN)')
  .option('--agents <n>', 'simulated agents', '25')
  .option('--speed <x>', 'simulation speed-up factor', '1')
  .option('--seed <n>', 'random seed', '1')
  .option('--kinesis-stream <name>', 'tail this Kinesis stream instead of simulating')
  .option('--endpoint <url>', 'Kinesis endpoint (e.g. kinesalite)')
  .option('--region <region>', 'AWS region for --kinesis-stream')
  .option('--keep', 'keep the simulated store of the previous run (.switchboard/dev.db)')
  .action(run(devCommand));

program
  .command('serve')
  .description('serve the dashboard and API over an existing store')
  .option('--port <port>', 'HTTP port', '3000')
  .option('--host <host>', 'bind address (anything but loopback needs --token)', '127.0.0.1')
  .option('--token <token>', 'bearer token required by the API and dashboard (env SWITCHBOARD_TOKEN)')
  .action(run(serveCommand));

function fail(message: string, code: number): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    fail(err.message.replace(/^error: /, ''), 2);
  }
  if (err instanceof CliError) fail(err.message, err.exitCode);
  if (err instanceof ParamError || err instanceof UnknownAgentError) fail(err.message, 2);
  if (err instanceof Error && err.name === 'StoreError') fail(err.message, 1);
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_')) {
    fail(`store error: ${err.message}`, 1);
  }
  if (process.env.SWITCHBOARD_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  fail(`unexpected error: ${err instanceof Error ? err.message : String(err)} (set SWITCHBOARD_DEBUG=1 for details)`, 1);
}
