#!/usr/bin/env bash
# Interop check: meshctl endpoints (our HTTP/2 gRPC transport and ADS client) against an xDS server that is not
# ours: grpc-js with the official Envoy API protos (tests/interop/xds-server.mjs), for xDS v3 and v2.
# Needs Node.js and npm (packages from the npm registry, pinned in package-lock.json).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --silent
dotnet build "$root/src/MeshClient.Cli" -c Release -v quiet -nologo >/dev/null
meshctl="$root/src/MeshClient.Cli/bin/Release/net10.0/meshctl"

log="$(mktemp)"
node xds-server.mjs 0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q '^listening' "$log" && break; sleep 0.1; done
port="$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$log")"
[ -n "$port" ] || { cat "$log"; exit 1; }

for version in v3 v2; do
  echo "== meshctl endpoints --xds $version against grpc-js on port $port"
  "$meshctl" endpoints --pilot "grpc://127.0.0.1:$port" --xds "$version" --timeout 10
  "$meshctl" endpoints --pilot "grpc://127.0.0.1:$port" --xds "$version" --timeout 10 --json | node check-endpoints.mjs
done
if grep -q '^NACK' "$log"; then echo "the client NACKed:"; grep '^NACK' "$log"; exit 1; fi
echo "server saw:"; cat "$log"
