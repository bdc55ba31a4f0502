/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Switchboard on AWS (SST v4): Kinesis -> ingest Lambda -> DynamoDB event table
 * -> stream -> project Lambda -> projections, alerts on EventBridge, sweep
 * every minute, read-only API on a Function URL, dashboard on CloudFront,
 * optional Timestream sink; alarms on the failure path; Connect's data
 * streaming when the instance is named. Deploy: docs/deploy-aws.md.
 */
export default $config({
  app(input) {
    return {
      name: 'switchboard',
      // resources are named switchboard-<stage>-...; production keeps its data when removed
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
      home: 'aws',
    };
  },
  async run() {
    const { settings } = await import('./stacks/settings');
    const storage = await import('./stacks/storage');
    const streams = await import('./stacks/streams');
    const alerts = await import('./stacks/alerts');
    const functions = await import('./stacks/functions');
    const alarms = await import('./stacks/alarms');
    const connect = await import('./stacks/connect');
    const { api, callerPolicy } = await import('./stacks/api');
    const { dashboard } = await import('./stacks/web');
    const { contactEvents } = await import('./stacks/contact-events');
    return {
      api: api.url,
      apiAuth: settings.apiAuth,
      // IAM mode: what a caller's identity policy needs (both actions; AWS requires both for function URLs since 2025)
      apiCallerPolicy: callerPolicy ?? 'token auth: send Authorization: Bearer <token>',
      dashboard: dashboard?.url ?? 'not deployed (SWITCHBOARD_API_AUTH=token deploys it)',
      agentEventsStream: streams.agentStreamArn,
      contactRecordsStream: streams.contactStreamArn,
      alertBus: alerts.bus.name,
      eventTable: storage.eventsTable.name,
      rebuildFunction: functions.rebuild.name,
      ingestDeadLetters: functions.ingestDeadLetters.url,
      alarmTopic: alarms.topic.arn,
      connectStorage: connect.storageConfigs.length > 0 ? `${settings.connectInstance!.arn}: agent events and contact records` : 'not managed (set SWITCHBOARD_CONNECT_INSTANCE_ARN)',
      contactEventsQueue: contactEvents?.queue.url ?? 'off (SWITCHBOARD_CONTACT_EVENTS=off)',
      timestream: functions.timestreamTable ? $interpolate`${functions.timestreamTable.database}/${functions.timestreamTable.table}` : 'off',
    };
  },
});
