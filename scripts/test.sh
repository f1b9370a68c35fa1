#!/usr/bin/env bash
# The one test command (`npm test`): system deps, Python training tests, TypeScript checks,
# unit tests in Node, browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
echo "== python: training tests"
/usr/bin/python3 -m unittest discover -s training/tests -t . 
echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
echo "== vitest (unit + browser)"
npx vitest run
