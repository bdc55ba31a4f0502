import { SqliteStore } from '@switchboard/core/sqlite';
import { storeContract } from './store-contract.js';

storeContract('SQLite (:memory:)', async () => {
  const store = SqliteStore.open(':memory:');
  // SqliteStore scans 5,000 events per page
  return { store, scanEvents: 5_200, close: () => store.close() };
});
