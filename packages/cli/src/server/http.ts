import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleApi, type ApiContext } from '@switchboard/core';
import { isAuthorized, presentedToken, TOKEN_COOKIE } from './auth.js';
import type { StreamHub } from './hub.js';

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
  api: ApiContext;
  hub: StreamHub;
  webRoot?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** packages/web/dist, found relative to the CLI bundle (packages/cli/dist) or its sources. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../web/dist/', import.meta.url));
}

/** The local HTTP server: dashboard at /, read-only JSON API at /api/*, server push at /api/stream. */
export async function startHttpServer(options: HttpOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const webRoot = resolve(options.webRoot ?? defaultWebRoot());
  const server = createServer((req, res) => {
    handle(req, res, options, webRoot).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: `internal error: ${err.message}` });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        options.hub.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpOptions, webRoot: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');

  const { token, viaQuery } = presentedToken(req, url);
  if (!isAuthorized(options.token, token)) {
    res.setHeader('www-authenticate', 'Bearer realm="switchboard"');
    return sendJson(res, 401, { error: 'authentication required: send Authorization: Bearer <token> or open the dashboard with ?token=<token>' });
  }
  if (options.token && viaQuery) {
    res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token!)}; HttpOnly; SameSite=Strict; Path=/`);
  }

  if (url.pathname === '/api/stream') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' });
    return options.hub.attach(res);
  }
  if (url.pathname.startsWith('/api/')) {
    const result = await handleApi(options.api, req.method ?? 'GET', url.pathname, url.searchParams);
    return sendJson(res, result.status, result.body, req.method === 'HEAD');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'use GET' });
  return serveStatic(res, webRoot, url.pathname);
}

function serveStatic(res: ServerResponse, webRoot: string, pathname: string): void {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return sendJson(res, 400, { error: 'bad path' });
  }
  let file = join(webRoot, relative);
  if (!file.startsWith(webRoot.endsWith(sep) ? webRoot : webRoot + sep) && file !== webRoot) {
    return sendJson(res, 404, { error: 'not found' });
  }
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // Single-page app: unknown paths without an extension get index.html.
    if (extname(relative) !== '') return sendJson(res, 404, { error: 'not found' });
    file = join(webRoot, 'index.html');
  }
  if (!existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The dashboard is not built. Run `npm run build` in the repository root. The JSON API is at /api/.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
  });
  createReadStream(file).pipe(res);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  if (!headOnly) for (const piece of jsonPieces(body)) res.write(piece);
  res.end();
}

/**
 * JSON.stringify(body), in pieces of about `size` characters when it is a
 * list: a long list (a day's report of 1,000 agents is 20 MB) is sent without
 * one string of all of it.
 */
export function* jsonPieces(body: unknown, size = 256 * 1024): Generator<string> {
  if (!Array.isArray(body)) return yield JSON.stringify(body);
  let piece = '[';
  for (let i = 0; i < body.length; i++) {
    // as JSON.stringify writes a list: what has no JSON form is null
    piece += (i === 0 ? '' : ',') + (JSON.stringify(body[i]) ?? 'null');
    if (piece.length >= size) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]`;
}
