/**
 * Amazon Connect data streaming, opt-in (SWITCHBOARD_CONNECT_INSTANCE_ARN):
 * the instance's storage configs for agent events and contact records point
 * at the streams the ingest function reads. An association that exists
 * already is adopted with SWITCHBOARD_CONNECT_*_ASSOCIATION (a Pulumi import:
 * id `<instance id>:<association id>:<resource type>`) instead of created,
 * and is then left in place when the app is removed, as every association
 * of a production app is.
 */
import { settings } from './settings.js';
import { agentStreamArn, contactStreamArn } from './streams.js';

export const STORAGE_RESOURCE_TYPES = ['AGENT_EVENTS', 'CONTACT_TRACE_RECORDS'] as const;
export type StorageResourceType = (typeof STORAGE_RESOURCE_TYPES)[number];

/** The Pulumi import id of an instance storage config. */
export function storageConfigImportId(instanceId: string, associationId: string, resourceType: StorageResourceType): string {
  return `${instanceId}:${associationId}:${resourceType}`;
}

export const storageConfigs = (() => {
  const instance = settings.connectInstance;
  if (!instance) return [];
  // Connect streams only to Kinesis streams of its own region (and account)
  aws.getRegionOutput().region.apply((region) => {
    if (region !== instance.region) throw new Error(`the Connect instance is in ${instance.region}, the deployment in ${region}: deploy to ${instance.region}`);
  });
  const streams: Record<StorageResourceType, $util.Input<string>> = { AGENT_EVENTS: agentStreamArn, CONTACT_TRACE_RECORDS: contactStreamArn };
  return STORAGE_RESOURCE_TYPES.map((resourceType) => {
    const adopted = settings.connectAssociations[resourceType];
    return new aws.connect.InstanceStorageConfig(
      resourceType === 'AGENT_EVENTS' ? 'ConnectAgentEvents' : 'ConnectContactRecords',
      {
        instanceId: instance.id,
        resourceType,
        storageConfig: { storageType: 'KINESIS_STREAM', kinesisStreamConfig: { streamArn: streams[resourceType] } },
      },
      {
        ...(adopted ? { import: storageConfigImportId(instance.id, adopted, resourceType) } : {}),
        retainOnDelete: settings.production || adopted !== undefined,
      },
    );
  });
})();
