import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import type { LeaseOutcome, Leases } from '../lease.js';
import type { MetaTable } from './meta.js';

interface Held {
  holder: string;
  expires: number;
}

/**
 * Leases of the embedded store, in its meta table (`lease.<name>`: holder and
 * expiry), read and written in one IMMEDIATE transaction so that of two
 * processes acquiring at once exactly one wins. A lease whose holder is a
 * process of this machine that is gone is free at once (a rebuild that was
 * killed does not block the next one until its lease runs out); others are
 * free when they expire.
 */
export class SqliteLeases implements Leases {
  constructor(
    private readonly db: Database.Database,
    private readonly meta: MetaTable,
    private readonly now: () => number = Date.now,
    /** true when the holder is known to have stopped (default: a process of this machine that is gone) */
    private readonly gone: (holder: string) => boolean = isGoneLocalHolder,
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<LeaseOutcome> {
    return this.db
      .transaction((): LeaseOutcome => {
        const now = this.now();
        const held = this.read(name);
        if (held && held.holder !== holder && held.expires >= now && !this.gone(held.holder)) {
          return { acquired: false, holder: held.holder, expiresAt: held.expires };
        }
        this.write(name, { holder, expires: now + ttlMs });
        return { acquired: true };
      })
      .immediate();
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.read(name)?.holder !== holder) return false;
        this.write(name, { holder, expires: this.now() + ttlMs });
        return true;
      })
      .immediate();
  }

  async release(name: string, holder: string): Promise<void> {
    this.db
      .transaction(() => {
        if (this.read(name)?.holder === holder) this.meta.delete(key(name));
      })
      .immediate();
  }

  private read(name: string): Held | undefined {
    const value = this.meta.get(key(name));
    return value === undefined ? undefined : (JSON.parse(value) as Held);
  }

  private write(name: string, held: Held): void {
    this.meta.set(key(name), JSON.stringify(held));
  }
}

function key(name: string): string {
  return `lease.${name}`;
}

/** A holder name for this process: `<host>:<pid>`, which isGoneLocalHolder can check. */
export function localLeaseHolder(): string {
  return `${hostname()}:${process.pid}`;
}

/** True when `holder` names a process of this machine that no longer runs. */
export function isGoneLocalHolder(holder: string): boolean {
  const at = holder.lastIndexOf(':');
  const pid = Number(holder.slice(at + 1));
  if (at < 0 || holder.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
