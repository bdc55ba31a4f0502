import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@switchboard/core/sqlite';
import { storeContract } from './store-contract.js';

storeContract('SQLite (:memory:)', async () => {
  const store = SqliteStore.open(':memory:');
  // SqliteStore scans 5,000 events per page
  return { store, scanEvents: 5_200, close: () => store.close() };
});

// A file store whose every scan reads the event table on a thread of its own,
// as a rebuild of a large store does.
storeContract('SQLite (file, scans read on their own thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-contract-'));
  const store = SqliteStore.open(join(dir, 'store.db'), { scanWorkerFrom: 0 });
  return {
    store,
    scanEvents: 5_200,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
