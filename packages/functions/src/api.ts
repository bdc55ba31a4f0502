/**
 * The read-only JSON API over a Lambda Function URL: core's handleApi, the
 * same shapes as the CLI's --json. Never open: IAM (the Function URL's
 * AWS_IAM auth type; SigV4-signed requests) or a bearer token from the
 * ApiToken secret. /api/stream (server-sent events) is not available: poll.
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 as LambdaFunctionURLResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { handleApi } from '@switchboard/core';
import { instrument, logger } from './shared/observability.js';
import { runtime } from './shared/runtime.js';

/** Lambda responses are limited to 6 MB. */
const MAX_BODY_BYTES = 5_500_000;

function json(statusCode: number, body: unknown, extra: Record<string, string> = {}): LambdaFunctionURLResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra },
    body: JSON.stringify(body),
  };
}

function sameToken(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** null when the request may proceed, else the response refusing it. */
export function refuse(event: LambdaFunctionURLEvent, auth: { auth: 'iam' | 'token'; token: string | null }): LambdaFunctionURLResult | null {
  if (auth.auth === 'iam') {
    // The Function URL checked the SigV4 signature; make sure it really is an IAM URL.
    const iam = (event.requestContext as { authorizer?: { iam?: unknown } }).authorizer?.iam;
    return iam ? null : json(403, { error: 'IAM authorization required: sign the request with SigV4 (Function URL auth type AWS_IAM)' });
  }
  if (!auth.token) return json(503, { error: 'API token auth is configured but no token is set: `sst secret set ApiToken <token>`' });
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (presented && sameToken(auth.token, presented)) return null;
  return json(401, { error: 'authentication required: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="switchboard"' });
}

export const handler = instrument('api', async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  const rt = runtime();
  const denied = refuse(event, rt.config.api);
  if (denied) return denied;
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  if (path.replace(/\/+$/, '') === '/api/stream') {
    return json(501, { error: '/api/stream (server-sent events) is not available in AWS: poll /api/agents and /api/alerts instead (e.g. every 5 s)' });
  }
  if (!path.startsWith('/api/')) return json(404, { error: `no such endpoint: ${path}` });
  const res = await handleApi(
    { projections: await rt.store.current(), events: rt.store, alerts: rt.store, rules: rt.config.rules },
    method,
    path,
    new URLSearchParams(event.rawQueryString ?? ''),
  );
  const out = json(res.status, res.body);
  if (Buffer.byteLength(out.body ?? '') > MAX_BODY_BYTES) {
    logger.warn('response too large for Lambda', { path, bytes: Buffer.byteLength(out.body ?? '') });
    return json(413, { error: 'the response is larger than a Lambda response can be (6 MB): narrow it with from/to (and agent)' });
  }
  return method === 'HEAD' ? { ...out, body: '' } : out;
});
