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

# The clearing storage tests start their own throwaway PostgreSQL cluster: install the server binaries if missing.
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "test.sh: installing the PostgreSQL server (apt-get install -y postgresql)..."
  sudo=""
  [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if ! ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null); then
    echo "test.sh: could not install PostgreSQL; the PostgreSQL storage tests will fail" >&2
  fi
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
