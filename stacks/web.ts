/**
 * The dashboard (packages/web) as a static site on S3 + CloudFront, pointed at
 * the API through dist/config.js. Browsers cannot sign IAM requests, so it is
 * deployed only with token auth (open it with #token=<token>).
 */
import { api } from './api.js';
import { settings } from './settings.js';

export const dashboard =
  settings.apiAuth === 'token'
    ? new sst.aws.StaticSite('Dashboard', {
        path: 'packages/web',
        build: { command: 'npm run build && node ../../scripts/web-config.mjs dist', output: 'dist' },
        environment: { SWITCHBOARD_API: api.url },
      })
    : undefined;
