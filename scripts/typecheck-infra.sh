#!/usr/bin/env sh
# Offline typecheck of the infrastructure (sst.config.ts, stacks/) and the
# Lambda code it deploys (packages/functions/src). Needs no AWS account:
# `sst install` only writes the platform's types to .sst/platform/ (ignored by
# git), using the bun binary from the @oven/bun-linux-x64 dev dependency.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f .sst/platform/config.d.ts ]; then
  SST_TELEMETRY_DISABLED=1 SST_SKIP_DEPENDENCY_CHECK=1 \
  SST_BUN_PATH="$PWD/node_modules/@oven/bun-linux-x64/bin/bun" \
    npx sst install --stage ci
fi
npx tsc -p tsconfig.infra.json
