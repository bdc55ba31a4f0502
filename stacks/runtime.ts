/**
 * The Lambda runtime and architecture of every function. Plain data with no
 * SST globals, so that the bundle test builds and runs the handlers for the
 * same Node.js major (test/aws/bundle.test.ts).
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';
export const LAMBDA_ARCHITECTURE = 'arm64';
