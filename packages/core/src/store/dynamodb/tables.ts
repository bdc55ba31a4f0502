import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SPECS, type TableKind, type TableNames, type TableSpec } from './schema.js';

/** CreateTable input for one of the store's tables, from the same specs the SST stacks use. */
export function createTableInput(name: string, spec: TableSpec): CreateTableCommandInput {
  const projection = (p: 'all' | 'keys-only' | string[]) =>
    p === 'all' ? { ProjectionType: 'ALL' as const } : p === 'keys-only' ? { ProjectionType: 'KEYS_ONLY' as const } : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: p };
  const type = { string: 'S', number: 'N', binary: 'B' } as const;
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Object.entries(spec.fields).map(([AttributeName, t]) => ({ AttributeName, AttributeType: type[t] })),
    KeySchema: [
      { AttributeName: spec.primaryIndex.hashKey, KeyType: 'HASH' },
      { AttributeName: spec.primaryIndex.rangeKey, KeyType: 'RANGE' },
    ],
    ...(spec.globalIndexes
      ? {
          GlobalSecondaryIndexes: Object.entries(spec.globalIndexes).map(([IndexName, g]) => ({
            IndexName,
            KeySchema: [
              { AttributeName: g.hashKey, KeyType: 'HASH' as const },
              { AttributeName: g.rangeKey, KeyType: 'RANGE' as const },
            ],
            Projection: projection(g.projection),
          })),
        }
      : {}),
    ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const } } : {}),
  };
}

/**
 * Creates the three tables (for DynamoDB Local, tests and benchmarks; in AWS
 * the SST stacks create them). Existing tables are left alone.
 */
export async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all(
    (Object.keys(TABLE_SPECS) as TableKind[]).map(async (kind) => {
      const spec = TABLE_SPECS[kind];
      try {
        await client.send(new CreateTableCommand(createTableInput(names[kind], spec)));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      for (;;) {
        const d = await client.send(new DescribeTableCommand({ TableName: names[kind] }));
        if (d.Table?.TableStatus === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (spec.ttl) {
        await client
          .send(new UpdateTimeToLiveCommand({ TableName: names[kind], TimeToLiveSpecification: { AttributeName: spec.ttl, Enabled: true } }))
          .catch(() => undefined); // already enabled
      }
    }),
  );
}

export async function deleteTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all(Object.values(names).map((TableName) => client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
}

/** The ARN of the event table's DynamoDB stream (the project Lambda's source). */
export async function eventStreamArn(client: DynamoDBClient, names: TableNames): Promise<string> {
  const d = await client.send(new DescribeTableCommand({ TableName: names.events }));
  const arn = d.Table?.LatestStreamArn;
  if (!arn) throw new Error(`table ${names.events} has no stream`);
  return arn;
}
