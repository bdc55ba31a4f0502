/**
 * What every handler shares, created once per Lambda container: config, the
 * DynamoDB store, SDK clients. Tests swap parts with configureRuntime().
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import type { FailedAttempts, Leases } from '@switchboard/core';
import { DynamoLeases, DynamoRecordAttempts, openDynamoStore, type DynamoStore, type DynamoStoreOptions } from '@switchboard/core/dynamodb';
import { loadConfig, type FunctionConfig } from './config.js';

export interface Runtime {
  config: FunctionConfig;
  store: DynamoStore;
  /** leases in the ledger (one rebuild at a time), on real time */
  leases: Leases;
  /** failed attempts of Kinesis records, in the ledger */
  attempts: FailedAttempts;
  eventBridge: EventBridgeClient;
  /** the rebuild function invokes itself to continue from its checkpoint */
  lambda: LambdaClient;
  sqs: SQSClient;
  timestream: TimestreamWriteClient;
  now: () => number;
}

export interface RuntimeOverrides {
  config?: Partial<FunctionConfig>;
  dynamo?: DynamoDBClient;
  eventBridge?: EventBridgeClient;
  lambda?: LambdaClient;
  sqs?: SQSClient;
  timestream?: TimestreamWriteClient;
  store?: Partial<DynamoStoreOptions>;
  now?: () => number;
}

let overrides: RuntimeOverrides = {};
let current: Runtime | undefined;

/** Replaces parts of the runtime (tests); the next handler call builds it afresh. */
export function configureRuntime(next: RuntimeOverrides = {}): void {
  overrides = next;
  current = undefined;
}

export function runtime(): Runtime {
  if (current) return current;
  const config = { ...loadConfig(), ...overrides.config };
  const now = overrides.now ?? Date.now;
  const dynamo = overrides.dynamo ?? new DynamoDBClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {});
  const store = openDynamoStore({
    tables: config.tables,
    client: dynamo,
    now,
    eventRetentionDays: config.rules.retention.eventDays,
    projectionRetentionDays: config.rules.retention.projectionDays,
    ...overrides.store,
  });
  current = {
    config,
    now,
    store,
    leases: new DynamoLeases(store.doc, config.tables.ledger),
    attempts: new DynamoRecordAttempts(store.doc, config.tables.ledger, now),
    eventBridge: overrides.eventBridge ?? new EventBridgeClient({}),
    lambda: overrides.lambda ?? new LambdaClient({}),
    sqs: overrides.sqs ?? new SQSClient({}),
    timestream: overrides.timestream ?? new TimestreamWriteClient({}),
  };
  return current;
}
