#!/usr/bin/env bash
# The whole test suite: types, lint and format, then every test (unit, component, integration
# against real Mosquitto, ffmpeg, GStreamer and the site simulator) with coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== typecheck"; npx --no-install tsc --noEmit -p .
echo "== lint"; npx --no-install biome check .
echo "== tests"; npx --no-install vitest run --coverage
