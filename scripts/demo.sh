#!/usr/bin/env bash
# The README's start command: installs what is missing, builds, starts a farm of simulated
# cameras (16 RTSP cameras, 8 of them ONVIF devices, on 127.77.0.x) and Vigil on
# http://127.0.0.1:8080 with its own data folder (./data/demo), and registers the cameras the
# first time. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build --silent

export VIGIL_DATA_DIR=${VIGIL_DATA_DIR:-./data/demo}
export VIGIL_PORT=${VIGIL_PORT:-8080}
export VIGIL_HOST=${VIGIL_HOST:-127.0.0.1}
# Faster health checks than production, so the demo's online rate fills in within a minute.
export VIGIL_CONFIG=${VIGIL_CONFIG:-config/demo.yaml}
base="http://127.0.0.1:${VIGIL_PORT}"
mkdir -p "$VIGIL_DATA_DIR" && chmod 700 "$VIGIL_DATA_DIR"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

# No default credentials: the demo's admin password is made once per demo folder, kept beside
# its database (mode 0600), and given to Vigil in the environment for its first start.
admin_password_file="$VIGIL_DATA_DIR/admin-password"
[ -s "$admin_password_file" ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(12).toString('base64url'))" > "$admin_password_file")

# The simulated cameras' password is made once per demo folder, so the catalog keeps matching
# the cameras across restarts; it travels in the environment, never in an argument.
password_file="$VIGIL_DATA_DIR/sim-password"
[ -s "$password_file" ] || (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(12).toString('hex'))" > "$password_file")
farm_json="$VIGIL_DATA_DIR/farm.json"
rm -f "$farm_json"
VIGIL_SIM_PASSWORD=$(cat "$password_file") node --import tsx scripts/sim/cli.ts --cameras 16 --onvif 8 --network 127.77 --json > "$farm_json" &
pids+=($!)
for _ in $(seq 1 300); do
  [ -s "$farm_json" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "vigil: the simulated cameras failed to start" >&2; exit 1; }
  sleep 0.2
done

VIGIL_ADMIN_PASSWORD=$(cat "$admin_password_file") node dist/main.js &
pids+=($!)
for _ in $(seq 1 100); do
  if node -e "fetch('$base/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
  kill -0 "${pids[1]}" 2>/dev/null || { echo "vigil: the gateway exited during start-up" >&2; exit 1; }
  sleep 0.2
done

VIGIL_ADMIN_PASSWORD=$(cat "$admin_password_file") node --import tsx scripts/demo-seed.ts "$base" "$farm_json"
echo
echo "Vigil demo is running: https://127.0.0.1:${VIGIL_HTTPS_PORT:-8443}/ (web app, HTTP/2, self-signed certificate) and $base/   (API: $base/api/openapi.json — Ctrl-C to stop)"
echo "Sign in as admin; the password is in $admin_password_file"
echo "Simulated cameras: $farm_json (faults: POST {\"fault\": \"offline\"} to a camera's controlUrl)"
wait "${pids[1]}"
