import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson } from './api.ts';

export interface ApiState<T> {
  data: T | undefined;
  /** True while a request is in flight (the previous data stays shown meanwhile). */
  loading: boolean;
  error: ApiError | undefined;
  reload: () => void;
}

const cache = new Map<string, unknown>();
const MAX_CACHE = 60;

/** Forgets every cached answer: another user signs in, and their divisions and masking differ. */
export function clearApiCache(): void {
  cache.clear();
}

/**
 * Fetches `url` (null: nothing to fetch) and re-fetches when it changes, aborting the request it
 * replaces. Answers are cached by URL for the session so that going back is instant; `cached: false`
 * is for live state (always fetched, never cached).
 */
export function useApi<T>(url: string | null, { cached = true }: { cached?: boolean } = {}): ApiState<T> {
  const [state, setState] = useState<{ url: string | null; data?: T; error?: ApiError; loading: boolean }>(
    () => ({ url, data: url && cached ? (cache.get(url) as T | undefined) : undefined, loading: !!url }),
  );
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (!url) {
      setState({ url, loading: false });
      return;
    }
    const hit = cached && nonce === 0 ? (cache.get(url) as T | undefined) : undefined;
    if (hit !== undefined) {
      setState({ url, data: hit, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ url, data: s.data, loading: true }));
    getJson<T>(url, controller.signal).then(
      (data) => {
        if (cached) {
          if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
          cache.set(url, data);
        }
        setState({ url, data, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError(0, String(error));
        setState({ url, error: apiError, loading: false });
      },
    );
    return () => controller.abort();
  }, [url, nonce, cached]);

  const reload = useCallback(() => {
    if (url) cache.delete(url);
    setNonce((n) => n + 1);
  }, [url]);

  return { data: state.data, loading: state.loading, error: state.error, reload };
}
