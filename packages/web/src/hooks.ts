import { useEffect, useRef, useState } from 'preact/hooks';
import { projections, type ProjectionChange } from './store.js';

interface Versioned {
  version: number;
  subscribe(fn: () => void): () => void;
}

/** Re-renders the caller whenever the store changes; returns its version. */
export function useVersion(store: Versioned): number {
  const [, setTick] = useState(0);
  const seen = useRef(store.version);
  seen.current = store.version;
  useEffect(() => {
    const unsubscribe = store.subscribe(() => setTick((n) => n + 1));
    if (store.version !== seen.current) setTick((n) => n + 1);
    return unsubscribe;
  }, [store]);
  return store.version;
}

/**
 * Calls `refresh` when the stream says the projection changed, at most once
 * per `minMs` (the first change at once, later ones coalesced).
 */
export function useProjectionRefresh(kind: keyof ProjectionChange, refresh: () => void, minMs = 5000): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      timer = undefined;
      last = Date.now();
      latest.current();
    };
    const off = projections.subscribe((c) => {
      if (!c[kind] || timer) return;
      const wait = last + minMs - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [kind, minMs]);
}

export interface Loadable<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
}

/**
 * Fetches with `load(signal)` whenever `key` changes or `reload()` is called;
 * keeps showing the previous data while a new request runs.
 */
export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loadable<T> & { reload: () => void } {
  const [state, setState] = useState<Loadable<T>>({ data: undefined, error: null, loading: key !== null });
  const [nonce, setNonce] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loader
      .current(ctl.signal)
      .then((data) => {
        if (!ctl.signal.aborted) setState({ data, error: null, loading: false });
      })
      .catch((e: Error) => {
        if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error: e.message, loading: false }));
      });
    return () => ctl.abort();
  }, [key, nonce]);
  const reload = useRef(() => setNonce((n) => n + 1)).current;
  return { ...state, reload };
}
