import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RetryOptions } from './batch.js';
import type { TableNames } from './schema.js';

/** What a generation's projections need from the store. */
export interface ProjectionContext {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  retry: RetryOptions;
  /** projection items expire (DynamoDB TTL) this many days after their time */
  projectionDays?: number;
}
