/**
 * The read-only JSON API on a Lambda Function URL. Never open: IAM auth
 * (Function URL auth type AWS_IAM, SigV4-signed requests by callers allowed
 * both lambda:InvokeFunctionUrl and lambda:InvokeFunction) by default, or a
 * bearer token (SWITCHBOARD_API_AUTH=token + `sst secret set ApiToken ...`),
 * which the dashboard uses.
 */
import { base } from './functions.js';
import { settings } from './settings.js';
import { access, rules, tables } from './storage.js';

const token = settings.apiAuth === 'token' ? new sst.Secret('ApiToken') : undefined;
const apiConfig = new sst.Linkable('ApiConfig', { properties: { auth: settings.apiAuth } });

export const api = new sst.aws.Function('Api', {
  ...base,
  handler: 'packages/functions/src/api.handler',
  description: 'Switchboard: read-only JSON API',
  timeout: '30 seconds',
  memory: '1024 MB',
  url:
    settings.apiAuth === 'iam'
      ? { authorization: 'iam', cors: false }
      : {
          // the token is checked by the function; no cookies, so any origin may call with it
          authorization: 'none',
          cors: { allowOrigins: ['*'], allowMethods: ['GET', 'HEAD'], allowHeaders: ['authorization'], maxAge: '1 hour' },
        },
  link: [tables, ...rules, apiConfig, ...(token ? [token] : [])],
  permissions: access.read,
});

/**
 * IAM mode: the identity policy a caller needs. Function URLs created since
 * October 2025 authorise both actions (lambda:InvokeFunctionUrl alone no
 * longer suffices; older URLs must comply by November 2026).
 */
export const API_CALLER_ACTIONS = ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'];
export const callerPolicy =
  settings.apiAuth === 'iam'
    ? $jsonStringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: API_CALLER_ACTIONS, Resource: api.arn }] })
    : undefined;
