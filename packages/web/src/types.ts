// Type-only: the JSON shapes of the HTTP API, owned by @switchboard/core (api/views.ts).
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
} from '@switchboard/core/views';

export type Bucket = '15m' | '30m' | '1h' | '1d';
export const BUCKETS: readonly Bucket[] = ['15m', '30m', '1h', '1d'];
