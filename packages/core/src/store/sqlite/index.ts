export { REBUILD_CACHE_MB, SqliteStore, StoreError, STORE_SUFFIXES } from './store.js';
export { SqliteProjections } from './projections.js';
export { isGoneLocalHolder, localLeaseHolder, SqliteLeases } from './leases.js';
