/**
 * Failed attempts per input record, so that a record that keeps failing can
 * be set aside with its reason instead of being retried for ever (and holding
 * up every record after it on its Kinesis shard).
 */
export interface FailedAttempts {
  /** Counts one more failed attempt of each record; returns each record's count so far. */
  record(failures: ReadonlyArray<{ key: string; reason: string }>): Promise<Map<string, number>>;
}
