#!/usr/bin/env bash
# Interop check: meshctl endpoints (our HTTP/2 gRPC transport and ADS client) against an xDS server that is not
# ours: grpc-js with the official Envoy API protos (tests/interop/xds-server.mjs), for xDS v3 and v2, then over TLS with a
# required token as istiod on port 15012 (wrong token and untrusted CA must exit 1).
# Needs Node.js, npm (packages from the npm registry, pinned in package-lock.json) and openssl.
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

# As istiod on port 15012: TLS (certificates made here with openssl) and a required bearer token.
pki="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; kill $secure 2>/dev/null || true; rm -rf "$log" "$pki"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/ca.key" -out "$pki/ca.pem" -days 2 \
  -subj "/CN=interop root" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/other.key" -out "$pki/other.pem" -days 2 -subj "/CN=other" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/server.key" -out "$pki/server.csr" -subj "/CN=istiod" 2>/dev/null
printf 'subjectAltName=DNS:istiod.istio-system.svc\n' > "$pki/ext.cnf"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -out "$pki/server.pem" -days 1 -extfile "$pki/ext.cnf" 2>/dev/null
echo "interop-token" > "$pki/token"; echo "wrong-token" > "$pki/wrong"
: > "$log"
XDS_TLS_CERT="$pki/server.pem" XDS_TLS_KEY="$pki/server.key" XDS_TOKEN=interop-token node xds-server.mjs 0 >"$log" 2>&1 &
secure=$!
for _ in $(seq 1 100); do grep -q '^listening' "$log" && break; sleep 0.1; done
port="$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$log")"
tls=(--pilot "https://127.0.0.1:$port" --server-name istiod.istio-system.svc)
echo "== meshctl endpoints over TLS with a token (port $port)"
"$meshctl" endpoints "${tls[@]}" --ca-file "$pki/ca.pem" --token-file "$pki/token" --json | node check-endpoints.mjs
for bad in "--ca-file $pki/ca.pem --token-file $pki/wrong" "--ca-file $pki/other.pem --token-file $pki/token"; do
  # shellcheck disable=SC2086
  if "$meshctl" endpoints "${tls[@]}" $bad --timeout 10; then echo "expected exit 1 with: $bad"; exit 1; fi
done
