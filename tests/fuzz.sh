#!/usr/bin/env bash
# Longer fuzz runs than the suite's 10,000 cases: the xDS response fuzz and the router.yaml/DestinationRule fuzz.
#   tests/fuzz.sh [CASES] [SEED]        e.g. tests/fuzz.sh 1000000 7
# Without SEED, a new one each run (printed, so a failure can be replayed with it).
set -euo pipefail
cd "$(dirname "$0")/.."
export MESH_FUZZ_CASES="${1:-200000}"
export MESH_FUZZ_SEED="${2:-$RANDOM$RANDOM}"
echo "fuzz: $MESH_FUZZ_CASES cases, seed $MESH_FUZZ_SEED"
dotnet test tests/MeshClient.Tests -c Release --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=normal"
