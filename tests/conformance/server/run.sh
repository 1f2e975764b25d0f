#!/usr/bin/env bash
# Runs the official MCP conformance suite in server mode against Lumen's conformance_server, with
# both pinned releases (package.json beside this script):
#   0.1.16          server --suite all
#   0.2.0-alpha.12  server --requirements 2025-11-25
#   run.sh PATH/TO/conformance_server [0.1|0.2]...
# Every check must pass: a failure, a warning or a skipped check fails the run (there is no
# expected-failures file). Needs Node 22 (the pinned npm package in tests/node22).
set -euo pipefail

server="${1:?usage: run.sh PATH/TO/conformance_server [0.1|0.2]...}"
shift
releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(0.1 0.2)
here="$(cd "$(dirname "$0")" && pwd)"

source "$here/../node22.sh"

if [ ! -f "$here/node_modules/conformance-0.1/dist/index.js" ] || [ ! -f "$here/node_modules/conformance-0.2/dist/index.js" ] ||
   [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >&2)
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the server on a free port and waits for its first line: "listening on URL".
mkfifo "$work/stdout"
"$server" --host 127.0.0.1 --port 0 >"$work/stdout" 2>"$work/server.log" &
server_pid=$!
exec 3<"$work/stdout"
line=""
if ! IFS= read -r -t 20 line <&3 || [[ "$line" != "listening on "* ]]; then
  echo "conformance-server: the server did not print its listening line (got: \"$line\")" >&2
  cat "$work/server.log" >&2
  exit 1
fi
cat <&3 >/dev/null &  # keep draining its standard output
url="${line#listening on }"
echo "conformance-server: testing $url"

status=0
for release in "${releases[@]}"; do
  case "$release" in
    0.1) args=(--suite all) ;;
    0.2) args=(--requirements 2025-11-25) ;;
    *) echo "unknown release $release (0.1 or 0.2)" >&2; exit 2 ;;
  esac
  out="$work/results-$release"
  log="$work/run-$release.log"
  set +e
  node "$here/node_modules/conformance-$release/dist/index.js" server --url "$url" "${args[@]}" -o "$out" >"$log" 2>&1
  rc=$?
  set -e
  # Every check of every scenario, by status.
  summary="$(node -e '
    const fs = require("fs"), path = require("path");
    const counts = {}, bad = [];
    const dir = process.argv[1];
    for (const d of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const f = path.join(dir, d, "checks.json");
      if (!fs.existsSync(f)) continue;
      for (const c of JSON.parse(fs.readFileSync(f, "utf8"))) {
        counts[c.status] = (counts[c.status] || 0) + 1;
        if (!["SUCCESS", "INFO"].includes(c.status)) bad.push(`${c.status} ${d.replace(/-\d{4}-\d\d-\d\dT.*$/, "")}: ${c.id}: ${c.errorMessage || ""}`);
      }
    }
    console.log(`passed=${counts.SUCCESS || 0} failed=${counts.FAILURE || 0} warnings=${counts.WARNING || 0} skipped=${counts.SKIPPED || 0}`);
    for (const b of bad) console.log("  " + b);
  ' "$out")"
  first="$(head -1 <<<"$summary")"
  if [ "$rc" -ne 0 ] || [[ "$first" != *" failed=0 warnings=0 skipped=0" ]] || [[ "$first" == "passed=0 "* ]]; then
    echo "FAIL conformance $release (${args[*]}): $summary (exit $rc)"
    sed 's/^/    /' "$log"
    status=1
  else
    echo "PASS conformance $release (${args[*]}): $first"
  fi
done
exit "$status"
