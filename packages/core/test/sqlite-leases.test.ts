/**
 * Leases of the embedded store (one rebuild at a time across processes):
 * one holder, expiry, release by the holder only, and a holder of this
 * machine whose process is gone freeing the lease at once.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLease } from '@switchboard/core';
import { isGoneLocalHolder, localLeaseHolder, SqliteStore } from '@switchboard/core/sqlite';

function storeFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'switchboard-lease-')), 'store.db');
}

/** The pid of a process that ran and exited. */
function exitedPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('embedded store leases', () => {
  it('given a holder, then another is refused until it expires, and only the holder renews or releases it', async () => {
    const store = SqliteStore.open(':memory:');
    let now = 1_000_000;
    const leases = store.leases({ now: () => now, gone: () => false });
    expect(await leases.acquire('job', 'a', 1_000)).toEqual({ acquired: true });
    expect(await leases.acquire('job', 'b', 1_000)).toEqual({ acquired: false, holder: 'a', expiresAt: 1_001_000 });
    now += 800;
    expect(await leases.renew('job', 'a', 1_000)).toBe(true);
    now += 900;
    expect(await leases.acquire('job', 'b', 1_000)).toMatchObject({ acquired: false, holder: 'a', expiresAt: 1_001_800 });
    now += 200;
    expect(await leases.acquire('job', 'b', 1_000)).toEqual({ acquired: true });
    expect(await leases.renew('job', 'a', 1_000)).toBe(false);
    await leases.release('job', 'a');
    expect(await leases.acquire('job', 'c', 1_000)).toMatchObject({ acquired: false, holder: 'b' });
    await leases.release('job', 'b');
    expect(await leases.acquire('job', 'c', 1_000)).toEqual({ acquired: true });
    store.close();
  });

  it('given work that keeps the thread busy, so that no timer runs, then keepAlive from its progress renews the lease when a renewal is due', async () => {
    const store = SqliteStore.open(':memory:');
    let now = 1_000_000;
    const leases = store.leases({ now: () => now, gone: () => false });
    const expiry = async () => ((await leases.acquire('job', 'other', 1_000)) as { expiresAt: number }).expiresAt;
    await withLease(leases, 'job', { holder: 'busy', ttlMs: 1_000, renewEveryMs: 250, now: () => now }, async (signal, keepAlive) => {
      now += 100;
      keepAlive(); // not due yet
      expect(await expiry()).toBe(1_001_000);
      now += 200;
      keepAlive(); // due: 300 ms since the lease was taken
      expect(await expiry()).toBe(1_001_300);
      now += 900; // past the first expiry, still held thanks to the renewal
      keepAlive();
      expect(await expiry()).toBe(1_002_200);
      expect(signal.aborted).toBe(false);
    });
    store.close();
  });

  it('given two connections to one store, then of their holders exactly one gets the lease', async () => {
    const file = storeFile();
    const first = SqliteStore.open(file);
    const second = SqliteStore.open(file);
    const outcomes = await Promise.all([first.leases().acquire('rebuild', 'one', 60_000), second.leases().acquire('rebuild', 'two', 60_000)]);
    expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
    expect(outcomes.find((o) => !o.acquired)).toMatchObject({ holder: 'one' });
    await first.leases().release('rebuild', 'one');
    expect(await second.leases().acquire('rebuild', 'two', 60_000)).toEqual({ acquired: true });
    first.close();
    second.close();
  });

  it('given a lease held by a process of this machine that is gone, then it is free at once; held by one that runs, it is not', async () => {
    const gone = `${hostname()}:${exitedPid()}`;
    expect(isGoneLocalHolder(gone)).toBe(true);
    expect(isGoneLocalHolder(`${hostname()}:${process.ppid}`)).toBe(false);
    expect(isGoneLocalHolder(localLeaseHolder())).toBe(false);
    expect(isGoneLocalHolder(`another-host:${exitedPid()}`)).toBe(false);
    expect(isGoneLocalHolder('lambda-request-id')).toBe(false);

    const store = SqliteStore.open(':memory:');
    const leases = store.leases();
    expect(await leases.acquire('rebuild', gone, 600_000)).toEqual({ acquired: true });
    expect(await leases.acquire('rebuild', localLeaseHolder(), 600_000)).toEqual({ acquired: true });
    expect(await leases.acquire('rebuild', `${hostname()}:${process.ppid}`, 600_000)).toMatchObject({ acquired: false, holder: localLeaseHolder() });
    store.close();
  });
});
