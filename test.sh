#!/usr/bin/env bash
# Runs every test project of the solution; exits non-zero on any failure.
# Test results (TRX) go to artifacts/test-results, where .ci/run counts them.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK (dotnet) is not on PATH; install .NET 10 first" >&2
  exit 1
fi

echo "test.sh: building the solution..."
if ! dotnet build CityCard.slnx -c Debug --nologo -v quiet -clp:NoSummary; then
  echo "test.sh: build failed" >&2
  exit 1
fi

dotnet test CityCard.slnx -c Debug --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?
if [[ $status -ne 0 ]]; then
  echo "test.sh: tests failed (exit $status)" >&2
fi
exit $status
