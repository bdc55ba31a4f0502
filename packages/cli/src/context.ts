import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseRules, RulesError, staleness, type Rules } from '@switchboard/core';
import { SqliteStore } from '@switchboard/core/sqlite';

/** A problem the user can fix: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
}

export const DEFAULT_DB = '.switchboard/switchboard.db';

export function dbPath(options: GlobalOptions): string {
  return resolve(options.db || process.env.SWITCHBOARD_DB || DEFAULT_DB);
}

/** Rules from --config, else $SWITCHBOARD_CONFIG, else ./switchboard.config.json, else defaults. */
export function loadRules(options: GlobalOptions): { rules: Rules; path: string | null } {
  const explicit = options.config || process.env.SWITCHBOARD_CONFIG || undefined;
  const path = explicit ?? (existsSync('switchboard.config.json') ? 'switchboard.config.json' : null);
  if (path === null) return { rules: parseRules({}), path: null };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read config ${path}: ${describeFsError(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`config ${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return { rules: parseRules(json, { hashKey: process.env.SWITCHBOARD_HASH_KEY }), path };
  } catch (err) {
    if (err instanceof RulesError) throw new CliError(`config ${path}: ${err.message}`);
    throw err;
  }
}

export function openStore(options: GlobalOptions, storeOptions: { cacheMb?: number } = {}): SqliteStore {
  return SqliteStore.open(dbPath(options), storeOptions);
}

export async function warnIfStale(store: SqliteStore, rules: Rules): Promise<void> {
  const stale = await staleness(store, rules);
  if (stale.rules) {
    process.stderr.write(
      'switchboard: warning: the projections were built with different rules than the current config; run `switchboard rebuild`\n',
    );
  }
  if (stale.projections.length > 0) {
    process.stderr.write(
      `switchboard: warning: the projections were built by another version of their definition (${stale.projections.join(', ')}); run \`switchboard rebuild\`\n`,
    );
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message;
}
