// Entry of the thread that reads and validates inputs during `switchboard ingest` (see core's engine/parse-worker.ts).
import { isParseWorker, runParseWorker } from '@switchboard/core';

if (isParseWorker()) await runParseWorker();
