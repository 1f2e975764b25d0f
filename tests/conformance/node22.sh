# Sourced by the conformance runners: puts Node 22 on PATH (the suite needs it; Debian 12 ships
# Node 18/20). It is the pinned npm package in tests/node22, installed with npm ci when missing.
node22_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../node22" && pwd)"
if [ ! -x "$node22_root/node_modules/node/bin/node" ] ||
   [ "$node22_root/package-lock.json" -nt "$node22_root/node_modules/.package-lock.json" ]; then
  echo "installing Node 22 (tests/node22)" >&2
  (cd "$node22_root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
export PATH="$node22_root/node_modules/node/bin:$PATH"
