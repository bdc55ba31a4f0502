import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'switchboard_token';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request presents: bearer header, ?token= (for EventSource and first visits), or the cookie. */
export function presentedToken(req: IncomingMessage, url: URL): { token: string | null; viaQuery: boolean } {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), viaQuery: false };
  const query = url.searchParams.get('token');
  if (query) return { token: query, viaQuery: true };
  const cookie = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  return { token: cookie ? decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1)) : null, viaQuery: false };
}

export function isAuthorized(expected: string | undefined, presented: string | null): boolean {
  if (!expected) return true;
  return presented !== null && same(expected, presented);
}
