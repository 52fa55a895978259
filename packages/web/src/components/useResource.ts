import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api-errors';

export interface Resource<T> {
  /** The last value loaded; kept while a reload runs or after one fails, so the page never blanks. */
  data: T | undefined;
  /** Why the last load failed; null once one succeeds. */
  error: string | null;
  /** Load again (live updates call this); bursts of calls collapse into one request after the running one. */
  reload: () => void;
  /** Change the loaded value in place (after an action answered with the new state). */
  update: (change: (data: T) => T) => void;
}

/**
 * Data a page shows and keeps fresh: loaded on mount and whenever `key` changes, reloaded on
 * demand. A response for an older key is dropped, so a fast switch between albums never shows
 * the previous one's data.
 */
export function useResource<T>(load: () => Promise<T>, key = ''): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const state = useRef({ key, running: false, again: false, alive: true });

  const run = useCallback(async () => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    try {
      do {
        s.again = false;
        const forKey = s.key;
        try {
          const value = await loadRef.current();
          if (s.alive && forKey === s.key) {
            setData(value);
            setError(null);
          }
        } catch (e) {
          if (s.alive && forKey === s.key) setError(errorMessage(e));
        }
      } while (s.again && s.alive);
    } finally {
      s.running = false;
    }
  }, []);

  useEffect(() => {
    const s = state.current;
    s.alive = true;
    if (s.key !== key) {
      s.key = key;
      setData(undefined);
      s.again = true;
    }
    void run();
    return () => {
      s.alive = false;
    };
  }, [key, run]);

  const update = useCallback((change: (data: T) => T) => setData((d) => (d === undefined ? d : change(d))), []);
  return { data, error, reload: run, update };
}
