/**
 * The DynamoDB adapter: `@switchboard/core/dynamodb`. Layout in ./schema.ts
 * and docs/deploy-aws.md.
 */
export { DynamoStore, openDynamoStore, type DynamoStoreOptions } from './store.js';
export { orderedWithinTime } from '../ordering.js';
export { DynamoProjections } from './projections.js';
export { DynamoLeases } from './lease.js';
export { storedEventFromImage, itemFromImage, type AttributeMap } from './codec.js';
export { batchWrite, batchGet, DynamoBatchError, type WriteRequest, type RetryOptions } from './batch.js';
export { createTables, deleteTables, createTableInput, eventStreamArn } from './tables.js';
export * from './schema.js';
export { HeldBackError, PartialAppendError, VersionConflictError } from '../errors.js';
export { DynamoRecordAttempts } from './attempts.js';
