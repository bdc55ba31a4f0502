/**
 * Alerts go to this bus: source "switchboard", detail-type = LongHold |
 * LongAfterContactWork | LongStatus | ContactAbandoned | LongQueueWait |
 * ServiceLevelBelowTarget, detail = the alert.
 * Add rules on it (bus.subscribe, or EventBridge rules in other stacks).
 */
export const bus = new sst.aws.Bus('Alerts');

/** Resource.AlertBus: the bus name, with events:PutEvents on this bus only. */
export const alertBus = new sst.Linkable('AlertBus', {
  properties: { name: bus.name },
  include: [sst.aws.permission({ actions: ['events:PutEvents'], resources: [bus.arn] })],
});
