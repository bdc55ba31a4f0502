/**
 * Rows as a store reads them: async iterable, as the ports declare. A store
 * that reads synchronously (SQLite, page by page) makes them iterable as well,
 * so that a reader folding hundreds of thousands of rows (the report) does not
 * wait on a promise for each.
 */
export function readableBothWays<T>(read: () => Iterable<T>): AsyncIterable<T> & Iterable<T> {
  return {
    [Symbol.iterator]: () => read()[Symbol.iterator](),
    async *[Symbol.asyncIterator]() {
      yield* read();
    },
  };
}

/** Calls `fn` with each row, without a promise per row when the rows can be read synchronously. */
export async function forEachRow<T>(rows: AsyncIterable<T>, fn: (row: T) => void): Promise<void> {
  if (Symbol.iterator in rows) {
    for (const row of rows as unknown as Iterable<T>) fn(row);
    return;
  }
  for await (const row of rows) fn(row);
}
