import { afterAll, beforeAll } from 'vitest';
import { openDynamoStore } from '@switchboard/core/dynamodb';
import { startDynamoLocal, type DynamoLocal } from '../support/dynamo-local.js';
import { storeContract } from './store-contract.js';

let local: DynamoLocal;
beforeAll(async () => {
  local = await startDynamoLocal();
});
afterAll(async () => {
  await local?.stop();
});

storeContract('DynamoDB (DynamoDB Local)', async () => {
  const tables = await local.createTables();
  // small index pages so that scanAll crosses many of them
  const store = openDynamoStore({ tables, client: local.client(), settleMs: 0, scanPageSize: 25, generationCacheMs: 0 });
  return { store, scanEvents: 400, close: () => undefined };
});
