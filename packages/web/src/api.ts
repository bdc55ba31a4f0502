/**
 * Where the API lives and how to authenticate to it.
 *  - base URL: window.SWITCHBOARD_API (set by config.js), default same origin
 *  - bearer token: `#token=...` in the URL fragment or `?token=` (then remembered in
 *    localStorage and removed from the address bar), or localStorage.
 *    `#token=` (empty) forgets it. EventSource cannot send headers, so the
 *    stream URL carries `?token=`.
 */
declare global {
  interface Window {
    SWITCHBOARD_API?: string;
  }
}

import { MAX_AGENT_PAGE, type AgentPage, type AgentView } from '@switchboard/core/views';

const TOKEN_KEY = 'switchboard.token';

let token: string | null = null;

export function apiBase(): string {
  const b = typeof window !== 'undefined' ? window.SWITCHBOARD_API : undefined;
  return b ? String(b).replace(/\/+$/, '') : '';
}

/** Splits a fragment like `report&token=abc` into a view name and parameters. */
export function parseFragment(hash: string): { view: string | null; params: Map<string, string> } {
  const params = new Map<string, string>();
  let view: string | null = null;
  for (const part of hash.replace(/^#\/?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) view = decodeURIComponent(part);
    else params.set(decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1)));
  }
  return { view, params };
}

/**
 * Reads the token from the fragment or the query string (`?token=`, as the
 * local server's 401 message suggests), strips it from the address bar, or
 * falls back to localStorage.
 */
export function initToken(): string | null {
  const { view, params } = parseFragment(location.hash);
  const search = new URLSearchParams(location.search);
  if (params.has('token') || search.has('token')) {
    const t = params.get('token') ?? search.get('token') ?? '';
    try {
      if (t) localStorage.setItem(TOKEN_KEY, t);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      /* storage may be disabled: keep the token in memory */
    }
    token = t || null;
    params.delete('token');
    search.delete('token');
    const rest = [view ?? '', ...[...params].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)]
      .filter(Boolean)
      .join('&');
    const query = search.toString();
    history.replaceState(null, '', location.pathname + (query ? `?${query}` : '') + (rest ? `#${rest}` : ''));
    return token;
  }
  try {
    token = localStorage.getItem(TOKEN_KEY);
  } catch {
    token = null;
  }
  return token;
}

export function apiUrl(path: string, query?: Record<string, string | undefined>): string {
  let url = apiBase() + path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  if (s) url += (url.includes('?') ? '&' : '?') + s;
  return url;
}

export function streamUrl(): string {
  return apiUrl('/api/stream', token ? { token } : undefined);
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, query?: Record<string, string | undefined>, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { headers, signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(`cannot reach the API (${path})`, 0);
  }
  if (!res.ok) {
    let detail = '';
    try {
      const body = (await res.json()) as { error?: string; message?: string };
      detail = body.error ?? body.message ?? '';
    } catch {
      /* not JSON */
    }
    const hint = res.status === 401 || res.status === 403 ? ' (open the dashboard with #token=YOUR_TOKEN)' : '';
    throw new ApiError(`${path}: HTTP ${res.status}${detail ? ` ${detail}` : ''}${hint}`, res.status);
  }
  return (await res.json()) as T;
}

/** Every agent: GET /api/agents page by page (each page well below the API's response limit). */
export async function getAllAgents(): Promise<AgentView[]> {
  const agents: AgentView[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson<AgentPage>('/api/agents', { limit: String(MAX_AGENT_PAGE), cursor });
    agents.push(...page.agents);
    cursor = page.next ?? undefined;
  } while (cursor);
  return agents;
}
