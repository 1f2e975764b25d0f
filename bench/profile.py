#!/usr/bin/env python3
"""Instructions per request of bench_echo_server, measured with valgrind's callgrind: a figure that
does not move with the machine's load, for finding and checking hot-path wins.

Usage: bench/profile.py BUILD [stateless|sessions|tracing|sse ...] [--requests N] [--keep] [--legacy]
                        [--server-args "ARGS"]

For each mode the server runs under callgrind; this script sends 200 warm-up tools/call requests
on one keep-alive connection, zeroes the counters, sends N more (default 2000), dumps, and prints
the instructions per request (all threads: io, workers, span export). With tracing, spans go over
OTLP/HTTP to a sink in this process, which counts the export requests it received. --keep keeps
the callgrind.out files (read them with callgrind_annotate); --server-args adds arguments to the
server's command line (e.g. "--workers 2"); --legacy configures the OTLP export\nthrough OTEL_EXPORTER_OTLP_ENDPOINT (for servers built before --otlp).
"""
import http.client, http.server, json, os, re, subprocess, sys, tempfile, threading, time

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}
INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
MODES = {
    "stateless": ["--stateless"],
    "sessions": [],
    "tracing": ["--stateless", "--tracing", "full"],
    "sse": ["--sse"],
}


class sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    posts = 0

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        sink.posts += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def call(c, body, session):
    h = dict(HEADERS)
    if session:
        h["Mcp-Session-Id"] = session
    c.request("POST", "/mcp", body=json.dumps(body), headers=h)
    r = c.getresponse()
    data = r.read()
    if r.status != 200 or b'"hello"' not in data:
        raise RuntimeError(f"unexpected answer {r.status}: {data[:200]!r}")


def profile(build, mode, n, keep, legacy, extra):
    out = tempfile.mktemp(prefix=f"callgrind.{mode}.", dir=".")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--collect-atstart=yes",
           os.path.join(build, "bench", "bench_echo_server"), "--port", "0"] + MODES[mode] + extra
    httpd = None
    if mode == "tracing":
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), sink)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        sink_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    # Spans leave in full batches of 512 only (no timer-driven partial ones), so that the export
    # cost per request does not depend on timing.
    env = dict(os.environ, OTEL_BSP_SCHEDULE_DELAY="600000", OTEL_BSP_MAX_QUEUE_SIZE="65536")
    if httpd and legacy:
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink_url  # servers from before --otlp
    elif httpd:
        cmd += ["--otlp", sink_url + "/v1/traces"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        m = re.match(r"listening on http://([^:]+):(\d+)", line)
        if not m:
            raise RuntimeError(f"server did not start: {line!r} {p.stderr.read()}")
        c = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=60)
        session = None
        if mode in ("sessions", "sse"):
            c.request("POST", "/mcp", body=json.dumps(INIT), headers=HEADERS)
            r = c.getresponse()
            r.read()
            session = r.getheader("Mcp-Session-Id")
        next_id = 1
        for _ in range(200):
            call(c, {"jsonrpc": "2.0", "id": next_id, "method": "tools/call",
                     "params": {"name": "echo", "arguments": {"message": "hello"}}}, session)
            next_id += 1
        time.sleep(0.5)  # warm-up spans exported before the counters are zeroed
        subprocess.run(["callgrind_control", "--zero", str(p.pid)], check=True, capture_output=True)
        for _ in range(n):
            call(c, {"jsonrpc": "2.0", "id": next_id, "method": "tools/call",
                     "params": {"name": "echo", "arguments": {"message": "hello"}}}, session)
            next_id += 1
        if httpd:
            time.sleep(1.0)  # full batches leave as soon as they fill
        subprocess.run(["callgrind_control", "--dump", str(p.pid)], check=True, capture_output=True)
        c.close()
    finally:
        p.terminate()
        p.wait(60)
        if httpd:
            httpd.shutdown()
    stderr = p.stderr.read()
    dumps = sorted(f for f in os.listdir(".") if f.startswith(os.path.basename(out)))
    total = 0
    for f in dumps:
        with open(f) as fh:
            text = fh.read()
        # The dump taken after the measured requests is the one with the counters zeroed first.
        if re.search(r"^desc: Trigger: (?!Program termination)", text, re.M):
            m = re.search(r"^summary: (\d+)", text, re.M) or re.search(r"^totals: (\d+)", text, re.M)
            total = int(m.group(1))
            if keep:
                print(f"  kept {f}")
                continue
        if not keep:
            os.unlink(f)
    for f in dumps:
        if not keep and os.path.exists(f):
            os.unlink(f)
    spans = re.search(r"spans exported (\d+) dropped (\d+) failed (\d+)", stderr)
    extra = f"; spans exported/dropped/failed {spans.groups()}, sink POSTs {sink.posts}" if spans else ""
    print(f"{mode:<10} {total / n:>10.0f} instructions/request ({n} requests){extra}", flush=True)
    return total / n


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    build = args.pop(0)
    n, keep, legacy, modes, extra = 2000, False, False, [], []
    while args:
        a = args.pop(0)
        if a == "--requests":
            n = int(args.pop(0))
        elif a == "--keep":
            keep = True
        elif a == "--server-args":
            extra = args.pop(0).split()
        elif a == "--legacy":
            legacy = True
        else:
            modes.append(a)
    for mode in modes or ["stateless", "sessions", "tracing"]:
        profile(build, mode, n, keep, legacy, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
