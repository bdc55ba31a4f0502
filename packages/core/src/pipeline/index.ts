/** Steps of the distributed (AWS) runtime, over the store ports: ingest, project, sweep, report. */
export * from './ingest.js';
export * from './project.js';
export * from './report.js';
export { PartialAppendError, VersionConflictError } from '../store/errors.js';
