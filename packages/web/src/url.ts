/**
 * The dashboard's state in the address bar, so that a link shows what its
 * sender saw: `#report&date=2024-04-18&bucket=1h`. The fragment holds the
 * view, then the parameters of that view; values equal to their default are
 * left out. Changes replace the history entry (no entry per keystroke).
 */
import { useEffect, useState } from 'preact/hooks';
import { parseFragment } from './api.js';

type Listener = () => void;
const listeners = new Set<Listener>();
let current = parseFragment(typeof location === 'undefined' ? '' : location.hash);

function reread(): void {
  current = parseFragment(location.hash);
  for (const fn of [...listeners]) fn();
}

if (typeof window !== 'undefined') window.addEventListener('hashchange', reread);

export function currentView(): string | null {
  return current.view;
}

export function urlParam(key: string): string | undefined {
  return current.params.get(key);
}

/** Sets (or, with undefined, removes) parameters of the current view. */
export function setUrlParams(changes: Record<string, string | undefined>): void {
  const params = new Map(current.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const parts = [current.view ?? '', ...[...params].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)].filter(Boolean);
  history.replaceState(history.state, '', `${location.pathname}${location.search}${parts.length ? `#${parts.join('&')}` : ''}`);
  reread();
}

/**
 * A string parameter of the URL as state: [value, set]. Setting the default
 * removes it from the URL. Re-renders when the address changes.
 */
export function useUrlParam<T extends string = string>(key: string, fallback: NoInfer<T>, valid?: (v: string) => boolean): [T, (v: T) => void] {
  useUrl();
  const raw = current.params.get(key);
  const value = raw !== undefined && (!valid || valid(raw)) ? (raw as T) : fallback;
  return [value, (v: T) => setUrlParams({ [key]: v === fallback ? undefined : v })];
}

/** Re-renders the caller when the address changes (the view, or any parameter). */
export function useUrl(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const fn = () => setTick((n) => n + 1);
    listeners.add(fn);
    return () => {
      listeners.delete(fn);
    };
  }, []);
}
