#!/usr/bin/env python3
"""Self-test of scripts/check-layers on the fixture trees beside this file.

The checker must pass the good tree (exit 0), fail the bad one (exit 1) naming each forbidden
include by file:line, its layer and the included layer, and refuse (exit 2) an architecture
document whose layer table disagrees with docs/layers.txt, or a citation of a section that
document does not have.
"""

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CHECKER = os.path.join(REPO, "scripts", "check-layers")
FIXTURES = os.path.join(HERE, "fixtures")

failures = []


def run(*args):
    done = subprocess.run([sys.executable, CHECKER, *args], capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def expect(condition, what, output):
    if not condition:
        failures.append(f"{what}\n--- checker output ---\n{output}")


code, output = run("--root", os.path.join(FIXTURES, "good"))
expect(code == 0, f"the good tree must pass (exit 0), got exit {code}", output)
expect("6 Lumen includes" in output, "the good tree's six Lumen includes must all be seen", output)

code, output = run("--root", os.path.join(FIXTURES, "bad"))
expect(code == 1, f"the bad tree must fail with exit 1, got exit {code}", output)
expect("include/lumen/client/uses_server.hpp:5: layer client includes <lumen/server/session.hpp> of layer server"
       in output, "the client's include of a server header must be reported with file:line and both layers", output)
expect("include/lumen/protocol/peeks.hpp:5: layer protocol includes <lumen/jsonrpc/detail/arena.hpp>, "
       "a detail/ header private to layer jsonrpc" in output,
       "an include of another layer's detail/ must be reported even though the layer itself is allowed", output)
expect("uses_server.hpp:4" not in output and "peeks.hpp:4" not in output,
       "the allowed includes of the bad tree must not be reported", output)
expect("2 forbidden include(s)" in output, "exactly the two forbidden includes must be counted", output)

# A document whose table says something else than docs/layers.txt is refused.
with open(os.path.join(REPO, "docs", "architecture.md"), encoding="utf-8") as f:
    document = f.read()
row = "| client/oauth |"
expect(row in document, "docs/architecture.md must have a layer table row for client/oauth", "")
with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as f:
    lines = document.splitlines(keepends=True)
    f.write("".join(l.rstrip().rsplit("|", 2)[0] + "| `protocol` |\n" if l.startswith(row) else l for l in lines))
    drifted = f.name
try:
    code, output = run("--root", os.path.join(FIXTURES, "good"), "--document", drifted)
    expect(code == 2, f"a document whose table disagrees with docs/layers.txt must be refused (exit 2), got {code}",
           output)
    expect("client/oauth may include ['protocol']" in output, "the disagreeing row must be named", output)
finally:
    os.unlink(drifted)

# A citation of a section the page does not have is refused; one it has is not.
with tempfile.TemporaryDirectory() as root:
    os.makedirs(os.path.join(root, "include", "lumen", "core"))
    with open(os.path.join(root, "include", "lumen", "core", "cited.hpp"), "w", encoding="utf-8") as f:
        page = "docs/architecture.md"  # split from its anchors, so that this file cites nothing itself
        f.write(f"// The rule: {page}#layers.\n// The flow: {page}#no-such-section.\n")
    code, output = run("--root", root)
    expect(code == 2, f"a citation of a missing section must be refused (exit 2), got {code}", output)
    expect("include/lumen/core/cited.hpp:2: cites #no-such-section" in output, "the citation must be named", output)
    expect("cited.hpp:1" not in output, "a citation of an existing section must pass", output)

for failure in failures:
    print(f"FAIL: {failure}", file=sys.stderr)
print(f"checker self-test: {'failed' if failures else 'passed'}")
sys.exit(1 if failures else 0)
