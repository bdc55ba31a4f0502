// Type-only: the JSON shapes of the HTTP API, owned by @switchboard/core.
// (core's package entry does not re-export api/views yet, so point at the file.)
export type {
  AgentView,
  Alert,
  AlertKind,
  ConfigView,
  HealthView,
  StreamMessage,
  ReportRow,
  ContactRow,
  FunnelRow,
} from '../../core/src/api/views.js';

export type Bucket = '15m' | '30m' | '1h' | '1d';
export const BUCKETS: readonly Bucket[] = ['15m', '30m', '1h', '1d'];
