#!/usr/bin/env bash
# The one test command (`npm test`): system deps, Python training tests, TypeScript checks,
# unit tests in Node, browser tests in Debian's Chromium, then the end-to-end runs of the app
# (built and served, driven as a user would) and of the packed widget in fresh consumer apps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund
echo "== python: training tests"
/usr/bin/python3 -m unittest discover -s training/tests -t .
echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
echo "== vitest (unit + browser)"
npx vitest run
echo "== e2e: the designer app"
node test/e2e/app-run.mjs
echo "== e2e: the widget, packed and installed into fresh consumer apps"
node test/e2e/widget-run.mjs
