#!/usr/bin/env bash
# Runs every Surge test on a fresh machine: installs what is missing, builds in Release, runs the unit, cluster and
# process tests, and ends with one line "N passed, N failed" counted from the test results.
set -euo pipefail
cd "$(dirname "$0")"

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if need apt-get; then
    [ -n "${SURGE_APT_UPDATED:-}" ] || { apt-get update -qq >/dev/null; SURGE_APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "test.sh: please install $* (no apt-get here)" >&2; exit 1
  fi
}
need dotnet || { echo "test.sh: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
need python3 || apt_install python3   # the workload generator used by replay tests
need redis-server || apt_install redis-server   # cluster-mode tests start their own on a free loopback port
need chromium || need chromium-browser || apt_install chromium   # browser tests (Playwright drives it; no downloads)

results=artifacts/test-results
rm -rf "$results"
dotnet build Orleans.sln -c Release --nologo -v quiet -clp:ErrorsOnly

status=0
dotnet test Orleans.sln -c Release --no-build --nologo --logger trx --results-directory "$results" || status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
[ "$passed" -gt 0 ] || status=1   # a run that executed nothing is a failure
echo "$passed passed, $failed failed"
exit "$status"
