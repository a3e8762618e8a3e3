#!/usr/bin/env bash
# The operations centre demo (second step after scripts/demo.sh): a fleet of simulated gateways
# (fixtures/fleet/national.yaml) → a local Mosquitto → `camgate centre run` → the dashboard and
# `camgate centre report`. Loopback only; files in .demo-centre/. DEMO_SECONDS=0 keeps it running.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.demo-centre
seconds=${DEMO_SECONDS:-60}
scenario=${CENTRE_SCENARIO:-fixtures/fleet/national.yaml}
mkdir -p "$dir"
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.build.json
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || { echo "centre-demo: install mosquitto (apt-get install mosquitto)" >&2; exit 1; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
mqtt_port=$(free_port)
http_port=${CENTRE_HTTP_PORT:-$(free_port)}
cat >"$dir/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $PWD/$dir/
max_queued_messages 100000
$( [ "$(id -u)" = 0 ] && echo "user root" )
CONF
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
/usr/sbin/mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 & pids+=($!)
sleep 0.5
node --import tsx fixtures/fleet/main.ts --scenario "$scenario" --url "mqtt://127.0.0.1:$mqtt_port" \
  --registry-out "$dir/sites.csv" 2>"$dir/fleet.log" & pids+=($!)
until [ -s "$dir/sites.csv" ]; do sleep 0.2; done
cat >"$dir/centre.yaml" <<CONF
mqtt: { url: "mqtt://127.0.0.1:$mqtt_port", clientId: camgate-centre-demo }
registry: sites.csv
store: { driver: sqlite, path: centre.db }
http: { bind: 127.0.0.1, port: $http_port }
CONF
node bin/camgate.js centre run --config "$dir/centre.yaml" 2>"$dir/centre.log" & pids+=($!)
echo "centre dashboard: http://127.0.0.1:$http_port/   (logs in $dir/)"
sleep 8
today=$(date -u +%F)
node bin/camgate.js centre report --from "$today" --to "$today" --format csv --config "$dir/centre.yaml" | column -s, -t | cut -c1-160
node bin/camgate.js centre report --from "$today" --to "$today" --format html --out "$dir/report.html" --config "$dir/centre.yaml"
if [ "$seconds" = 0 ]; then wait; else sleep "$seconds"; fi
