#!/usr/bin/env bash
# The demo: a simulated site (ONVIF cameras with real RTSP H.264), a real local Mosquitto, and the
# camgate daemon watching the site and publishing to the broker; shows `camgate status` live.
# DEMO_SECONDS=0 runs until Ctrl-C; DEMO_CAMERAS sets the site size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

CAMERAS=${DEMO_CAMERAS:-6}
SECONDS_TO_RUN=${DEMO_SECONDS:-45}
DIR=$(pwd)/.demo
rm -rf "$DIR" && mkdir -p "$DIR/state"
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$DIR/mosquitto.conf"
mosquitto -c "$DIR/mosquitto.conf" >"$DIR/mosquitto.log" 2>&1 &
pids+=($!)

printf 'demo-secret\n' >"$DIR/camera-password"
chmod 600 "$DIR/camera-password"
node --import tsx fixtures/sim/main.ts --cameras "$CAMERAS" --kinds overview,panoramic,lpr \
  --base 127.0.1.1 --password demo-secret >"$DIR/sim.out" 2>"$DIR/sim.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^ready' "$DIR/sim.out" && break; sleep 0.2; done
grep -q '^ready' "$DIR/sim.out" || { echo "simulator did not start:"; cat "$DIR/sim.log"; exit 1; }

node scripts/demoConfig.mjs "$DIR" "$port" >"$DIR/camgate.yaml"
export CAMGATE_CONFIG=$DIR/camgate.yaml
node bin/camgate.js config check
node bin/camgate.js run >"$DIR/camgate.log" 2>&1 &
pids+=($!)
mosquitto_sub -p "$port" -h 127.0.0.1 -v -t 'camgate/#' >"$DIR/mqtt.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 50); do node bin/camgate.js status >/dev/null 2>&1 && break; sleep 0.2; done
start=$(date +%s)
while :; do
  out=$(node bin/camgate.js status 2>&1 || true)
  [ -t 1 ] && clear
  echo "camgate demo: $CAMERAS simulated cameras, Mosquitto on 127.0.0.1:$port (files in .demo/)"
  echo "$out"
  echo
  echo "MQTT (last messages on camgate/#):"
  tail -n 4 "$DIR/mqtt.log" | cut -c1-160
  now=$(date +%s)
  if [ "$SECONDS_TO_RUN" -gt 0 ] && [ $((now - start)) -ge "$SECONDS_TO_RUN" ]; then break; fi
  sleep 3
done
echo
echo "demo finished after ${SECONDS_TO_RUN}s (DEMO_SECONDS=0 keeps it running); logs in .demo/"
