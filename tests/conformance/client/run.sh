#!/usr/bin/env bash
# Runs the official MCP conformance suite in client mode (npm @modelcontextprotocol/conformance,
# pinned in package.json beside this script) against Lumen's conformance_client.
#   run.sh PATH/TO/conformance_client [SCENARIO...]
# Without scenarios it runs every scenario of the `core` suite (the package's `core`: the four
# non-auth scenarios and all auth/* scenarios except draft and extension ones) and the two
# 2025-03-26 back-compat auth scenarios. Every check must pass: a failure or a warning fails the
# run. Needs Node 22 (the pinned npm package in tests/node22).
set -euo pipefail

client="${1:?usage: run.sh PATH/TO/conformance_client [SCENARIO...]}"
shift
here="$(cd "$(dirname "$0")" && pwd)"
# An absolute path: node22.sh changes the working directory.
if [ -e "$client" ]; then client="$(cd "$(dirname "$client")" && pwd)/$(basename "$client")"; fi

source "$here/../node22.sh"

if [ ! -x "$here/node_modules/.bin/conformance" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2)
fi

if [ $# -gt 0 ]; then
  scenarios=("$@")
else
  # `conformance list` / the `core` suite of @modelcontextprotocol/conformance 0.1.16.
  scenarios=(initialize tools_call elicitation-sep1034-client-defaults sse-retry
    auth/metadata-default auth/metadata-var1 auth/metadata-var2 auth/metadata-var3 auth/basic-cimd
    auth/scope-from-www-authenticate auth/scope-from-scopes-supported auth/scope-omitted-when-undefined
    auth/scope-step-up auth/scope-retry-limit
    auth/token-endpoint-auth-basic auth/token-endpoint-auth-post auth/token-endpoint-auth-none
    auth/pre-registration
    # The `backcompat` suite: servers of the 2025-03-26 revision (no Protected Resource Metadata).
    auth/2025-03-26-oauth-metadata-backcompat auth/2025-03-26-oauth-endpoint-fallback)
fi

total_passed=0
total_failed=0
log_dir="$(mktemp -d)"
for scenario in "${scenarios[@]}"; do
  log="$log_dir/${scenario//\//_}.log"
  set +e
  "$here/node_modules/.bin/conformance" client --command "$client" --scenario "$scenario" >"$log" 2>&1
  rc=$?
  set -e
  summary="$(grep -E '^Passed: [0-9]+/[0-9]+' "$log" | tail -1 || true)"
  if [[ "$summary" =~ ^Passed:\ ([0-9]+)/([0-9]+),\ ([0-9]+)\ failed,\ ([0-9]+)\ warnings ]]; then
    passed="${BASH_REMATCH[1]}"
    failed=$((BASH_REMATCH[3] + BASH_REMATCH[4]))
  else
    passed=0
    failed=1
  fi
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if [ "$failed" -eq 0 ]; then
    echo "PASS $scenario: $summary"
  else
    echo "FAIL $scenario: ${summary:-no result}"
    sed 's/^/    /' "$log"
  fi
done
rm -rf "$log_dir"
echo "conformance-client: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
