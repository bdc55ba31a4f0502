export { SqliteStore, StoreError } from './store.js';
export { SqliteProjections } from './projections.js';
