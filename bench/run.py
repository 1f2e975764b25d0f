#!/usr/bin/env python3
"""Runs Lumen's benchmarks on this machine and prints one table.

Macro: tools/call of a trivial `echo` tool over Streamable HTTP (JSON answers, keep-alive,
16 connections, 10 s after a warm-up; the server pinned to core 0, wrk to core 1) for an nginx
static reply (the HTTP ceiling), Lumen stateless, with sessions, with tracing full (recording
only, then with OTLP export to a local sink), with SSE answers, and the official TypeScript SDK
server; stdio round-trip latency (Lumen vs the TypeScript SDK); server memory idle and per idle
session. Micro: the Google Benchmark suites. Writes build/bench-results/results.json and
results.png (BENCH_OUT names another folder).
"""
import json, os, re, resource, shutil, signal, socket, subprocess, sys, tempfile, time, http.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build-release")
# Results go under build/ (beside the test build, not inside the Release tree it measures).
OUT = os.environ.get("BENCH_OUT") or os.path.join(ROOT, "build", "bench-results")
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = 16
os.makedirs(OUT, exist_ok=True)
results = {"macro": [], "stdio": [], "memory": {}, "micro": {}, "targets": []}


def log(msg):
    print(msg, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(cmd, env=None, core="0"):
    """Starts a server pinned to `core`; its stderr goes to a file (p.stderr_path) for stop() to read."""
    err = tempfile.NamedTemporaryFile(prefix="lumen-bench-stderr-", delete=False)
    p = subprocess.Popen(["taskset", "-c", core] + cmd, stdout=subprocess.PIPE, stderr=err, env=env, text=True)
    err.close()
    p.stderr_path = err.name
    line = p.stdout.readline().strip()
    m = re.match(r"listening on (\S+)", line)
    if not m:
        p.kill()
        raise RuntimeError(f"{cmd[0]} did not start: {line!r}: {stop(p)}")
    return p, m.group(1)


def stop(p):
    """Stops a server started by start(); returns what it wrote on stderr."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    with open(p.stderr_path) as f:
        text = f.read()
    os.unlink(p.stderr_path)
    return text


def rss_kib(pid, field="VmHWM"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def post(url, body, headers):
    u = url.split("/", 3)
    host, port = u[2].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    c.request("POST", "/" + u[3], body=json.dumps(body), headers=headers)
    r = c.getresponse()
    data = r.read()
    sid = r.getheader("Mcp-Session-Id")
    c.close()
    return r.status, data, sid


HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}
INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}


def wrk_once(url, seconds, env):
    fd, report = tempfile.mkstemp(prefix="lumen-wrk-")
    os.close(fd)
    lua = os.path.join(ROOT, "bench", "macro", "tools_call.lua")
    # wrk is the only child that ends during this call: the difference is its own context switches.
    sleeps_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw
    subprocess.run(["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", lua, url],
                   env=dict(env, WRK_REPORT=report), stdout=subprocess.DEVNULL, check=True)
    with open(report) as f:
        r = json.loads(f.read())
    os.unlink(report)
    # How often wrk went idle waiting for answers: each time, an answer's send had to wake it
    # (on a VM, an inter-processor interrupt the server's core pays for).
    r["wrk_sleeps_per_request"] = (resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw - sleeps_before) / max(r["requests"], 1)
    return r


TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """CPU seconds (user, system) of each of `pid`'s threads, summed by thread name."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        user, system = out.get(name, (0.0, 0.0))
        out[name] = (user + int(fields[11]) / TICK, system + int(fields[12]) / TICK)
    return out


def busy_threads(r):
    """(thread name, {user, system}) of the threads that used a measurable share, busiest first."""
    cpu = sorted(r.get("server_cpu_us", {}).items(), key=lambda kv: -(kv[1]["user"] + kv[1]["system"]))
    return [(t, c) for t, c in cpu if c["user"] + c["system"] >= 0.05]


def wrk(url, session=None, pid=None):
    env = dict(os.environ)
    env["MCP_SESSION_ID"] = session or ""
    warm = wrk_once(url, WARMUP, env) if WARMUP else {"requests": 0}
    before = thread_cpu(pid) if pid else {}
    r = wrk_once(url, DURATION, env)
    if pid:
        # Where the server's core went, per request and by thread (user and kernel time).
        after = thread_cpu(pid)
        n = max(r["requests"], 1)
        r["server_cpu_us"] = {name: {"user": (u - before.get(name, (0, 0))[0]) * 1e6 / n,
                                     "system": (k - before.get(name, (0, 0))[1]) * 1e6 / n}
                              for name, (u, k) in after.items()}
    r["warmup_requests"] = warm["requests"]
    r["failures"] = r["errors"] + r["non2xx"] + r["bad_answers"]
    return r


def macro(name, cmd, env=None, session=False):
    log(f"  {name} ...")
    p, url = start(cmd, env)
    try:
        sid = None
        if session:
            status, _, sid = post(url, INIT, HEADERS)
            post(url, {"jsonrpc": "2.0", "method": "notifications/initialized"}, dict(HEADERS, **{"Mcp-Session-Id": sid}))
        r = wrk(url, sid, p.pid)
        r["name"] = name
        r["rss_kib"] = rss_kib(p.pid)
    finally:
        err = stop(p)
    busy = [f"{t} {c['user']:.1f} user + {c['system']:.1f} kernel" for t, c in busy_threads(r)]
    if busy:
        log(f"    server CPU per request (us): {'; '.join(busy)}; wrk slept {r['wrk_sleeps_per_request']:.2f} times per request")
    m = re.search(r"spans exported (\d+) dropped (\d+) failed (\d+)", err)
    if m:
        r["spans_exported"], r["spans_dropped"], r["spans_failed"] = map(int, m.groups())
        served = r["warmup_requests"] + r["requests"]
        log(f"    spans exported {r['spans_exported']} ({r['spans_exported'] / max(served, 1):.2f} per request), "
            f"dropped {r['spans_dropped']}, failed {r['spans_failed']}")
    for line in err.splitlines():
        if not line.startswith("spans exported"):
            log(f"    server stderr: {line}")
    results["macro"].append(r)
    return r


def start_nginx(conf_name, port, core):
    """An nginx (one worker) from bench/macro/CONF_NAME with @PORT@ substituted, pinned to `core`."""
    d = tempfile.mkdtemp(prefix="lumen-nginx-")
    os.makedirs(os.path.join(d, "tmp"))
    with open(os.path.join(ROOT, "bench", "macro", conf_name)) as f:
        conf = f.read().replace("@PORT@", str(port))
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen(["taskset", "-c", core, "nginx", "-p", d, "-c", "nginx.conf"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.prefix = d
    time.sleep(0.5)
    return p


def stop_nginx(p):
    """Stops an nginx from start_nginx(); returns (POSTs, POSTs answered 2xx, body bytes) from its
    access log (only the OTLP sink keeps one)."""
    p.send_signal(signal.SIGQUIT)
    p.wait(10)
    posts = ok = size = 0
    path = os.path.join(p.prefix, "sink.log")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                status, length = line.split()
                posts += 1
                ok += status.startswith("2")
                size += int(length) if length.isdigit() else 0
    shutil.rmtree(p.prefix, ignore_errors=True)
    return posts, ok, size


def main():
    echo = os.path.join(BUILD, "bench", "bench_echo_server")
    node = shutil.which("node")
    ts_server = os.path.join(ROOT, "bench", "macro", "ts_echo_server.mjs")
    port, otlp_port = free_port(), free_port()
    log("macro benchmarks (server on core 0, wrk on core 1):")
    log("  nginx static reply ...")
    nginx = start_nginx("nginx.conf", port, "0")
    try:
        r = wrk(f"http://127.0.0.1:{port}/mcp")
    finally:
        stop_nginx(nginx)
    r["name"] = "nginx static JSON (ceiling)"
    r["rss_kib"] = 0
    results["macro"].append(r)
    off = macro("Lumen stateless, tracing off", [echo, "--port", "0", "--stateless"])
    macro("Lumen stateless, 2 handler threads", [echo, "--port", "0", "--stateless", "--workers", "2"])
    macro("Lumen sessions, tracing off", [echo, "--port", "0"], session=True)
    # Every span recorded and ended, none exported: splits tracing's cost into recording and export.
    recording = macro("Lumen stateless, tracing full, no export",
                      [echo, "--port", "0", "--stateless", "--tracing", "full"])
    # The OTLP sink is its own nginx on the load generator's core: the server's core serves
    # requests and exports, nothing else.
    sink = start_nginx("otlp_sink.conf", otlp_port, "1")
    try:
        env = dict(os.environ, OTEL_BSP_MAX_QUEUE_SIZE="65536", OTEL_BSP_SCHEDULE_DELAY="200")
        full = macro("Lumen stateless, tracing full + OTLP",
                     [echo, "--port", "0", "--stateless", "--tracing", "full",
                      "--otlp", f"http://127.0.0.1:{otlp_port}/v1/traces"], env)
    finally:
        received = stop_nginx(sink)
    full["sink_posts"], full["sink_posts_ok"], full["sink_bytes"] = received
    log(f"    OTLP sink received {full['sink_posts']} POSTs ({full['sink_posts_ok']} answered 2xx), "
        f"{full['sink_bytes'] / 1e6:.1f} MB")
    macro("Lumen sessions, SSE answers", [echo, "--port", "0", "--sse"], session=True)
    ts = macro("TypeScript SDK stateless (JSON)", [node, ts_server, "0"])

    log("stdio round-trip latency of tools/call:")
    probe = os.path.join(BUILD, "bench", "bench_stdio_latency")
    for name, cmd in [("Lumen stdio", [echo, "--stdio"]), ("TypeScript SDK stdio", [node, ts_server, "--stdio"])]:
        out = subprocess.run([probe, "2000"] + cmd, capture_output=True, text=True, check=True).stdout
        r = json.loads(out)
        r["name"] = name
        results["stdio"].append(r)
        log(f"  {name}: p50 {r['p50_us']:.0f} us, p99 {r['p99_us']:.0f} us")

    log("memory:")
    n = int(os.environ.get("BENCH_SESSIONS", "10000"))
    # The cap is raised above n so that every initialize opens a session (the default cap may be n).
    p, url = start([echo, "--port", "0", "--max-sessions", str(n + 1000)])
    try:
        time.sleep(0.3)
        idle = rss_kib(p.pid, "VmRSS")
        host, prt = url.split("/")[2].split(":")
        c = http.client.HTTPConnection(host, int(prt), timeout=10)
        ids = set()
        for i in range(n):
            c.request("POST", "/mcp", body=json.dumps(INIT), headers=HEADERS)
            resp = c.getresponse()
            resp.read()
            if resp.status == 200 and resp.getheader("Mcp-Session-Id"):
                ids.add(resp.getheader("Mcp-Session-Id"))
        c.close()
        if len(ids) != n:
            raise RuntimeError(f"memory bench: {len(ids)} of {n} initialize requests opened a session")
        time.sleep(0.3)
        after = rss_kib(p.pid, "VmRSS")
        results["memory"] = {"idle_rss_kib": idle, "sessions": len(ids), "rss_with_sessions_kib": after,
                             "per_session_kib": (after - idle) / n}
        log(f"  idle RSS {idle / 1024:.1f} MiB; {len(ids)} live sessions: {(after - idle) / n:.1f} KiB each")
    finally:
        stop(p)

    log("micro benchmarks:")
    for suite in ["bench_trace", "bench_mcp"]:
        out = subprocess.run([os.path.join(BUILD, "bench", suite), "--benchmark_format=json", "--benchmark_min_time=0.5"],
                             capture_output=True, text=True, check=True).stdout
        for b in json.loads(out)["benchmarks"]:
            results["micro"][b["name"]] = {"ns": b["real_time"] if b["time_unit"] == "ns" else b["real_time"] * 1000,
                                          **{k: v for k, v in b.items() if k == "items_per_second"}}
            if "ns_per_span" in b:  # an inverted rate: seconds per span
                results["micro"][b["name"]]["ns_per_span"] = b["ns_per_span"] * 1e9

    ceiling = results["macro"][0]["rps"]
    targets = [
        ("Lumen stateless >= 60% of nginx", off["rps"] / ceiling, 0.60),
        ("tracing full >= 90% of tracing off", full["rps"] / off["rps"], 0.90),
        ("tracing full: no span dropped or failed",
         1.0 if "spans_dropped" in full and full["spans_dropped"] + full["spans_failed"] == 0 else 0.0, 1.0),
        ("Lumen >= 10x TypeScript SDK", off["rps"] / ts["rps"], 10.0),
        ("idle RSS < 16 MiB", 16.0 / max(results["memory"]["idle_rss_kib"] / 1024, 1e-9), 1.0),
        ("< 64 KiB per idle session", 64.0 / max(results["memory"]["per_session_kib"], 1e-9), 1.0),
    ]
    results["targets"] = [{"target": t, "ratio": r, "needed": n, "met": r >= n} for t, r, n in targets]
    results["recording_only_ratio"] = recording["rps"] / off["rps"]

    print()
    print(f"{'HTTP tools/call (16 conn, %ds)' % DURATION:<40} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'peak RSS':>9} {'spans dropped':>14}")
    for r in results["macro"]:
        rss = f"{r['rss_kib'] / 1024:.1f}M" if r["rss_kib"] else "-"
        dropped = f"{r['spans_dropped'] + r['spans_failed']}" if "spans_dropped" in r else "-"
        print(f"{r['name']:<40} {r['rps']:>10.0f} {r['p50_us'] / 1000:>8.2f} {r['p99_us'] / 1000:>8.2f} "
              f"{r['failures']:>7} {rss:>9} {dropped:>14}")
    print()
    print("Server CPU per request (us, user + kernel, by thread; the measured run only), and how often the")
    print("load generator slept waiting for an answer (a wake-up the server's send pays for):")
    for r in results["macro"]:
        busy = [f"{t} {c['user']:.1f} + {c['system']:.1f}" for t, c in busy_threads(r)]
        if busy:
            print(f"  {r['name']:<38} {'; '.join(busy)}; wrk sleeps {r['wrk_sleeps_per_request']:.2f}/request")
    print()
    for r in results["stdio"]:
        print(f"{r['name'] + ' round trip':<40} p50 {r['p50_us']:>7.0f} us   p99 {r['p99_us']:>7.0f} us")
    m = results["memory"]
    print(f"{'server RSS idle':<40} {m['idle_rss_kib'] / 1024:>7.1f} MiB")
    print(f"{'per idle session (%d sessions)' % m['sessions']:<40} {m['per_session_kib']:>7.1f} KiB")
    print()
    for name, v in results["micro"].items():
        extra = f"  ({v['ns_per_span']:.0f} ns/span)" if "ns_per_span" in v else ""
        print(f"{name:<52} {v['ns']:>12.1f} ns{extra}")
    print()
    for t in results["targets"]:
        print(f"{'MET ' if t['met'] else 'MISS'} {t['target']:<40} ratio {t['ratio']:.2f} (needs {t['needed']})")
    # Not a target: how far recording alone goes, and what export adds (CPU per request, all threads).
    cpu = {r["name"]: sum(c["user"] + c["system"] for c in r.get("server_cpu_us", {}).values())
           for r in (off, recording, full)}
    print(f"info tracing full, no export / tracing off      ratio {recording['rps'] / off['rps']:.2f}; "
          f"server CPU per request {cpu[off['name']]:.2f} us off, {cpu[recording['name']]:.2f} recording, "
          f"{cpu[full['name']]:.2f} recording + export")

    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    data = os.path.join(OUT, "rps.dat")
    with open(data, "w") as f:
        for r in results["macro"]:
            f.write('"%s" %f\n' % (r["name"].replace('"', "'"), r["rps"]))
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", "-e", f"set terminal png size 1100,500; set output '{os.path.join(OUT, 'results.png')}';"
                        "set style data histograms; set style fill solid; set boxwidth 0.7; set xtics rotate by -20;"
                        "set ylabel 'requests/s'; set title 'MCP tools/call over Streamable HTTP (16 connections)';"
                        f"plot '{data}' using 2:xtic(1) notitle"], check=False)
    print(f"\nwrote {os.path.join(OUT, 'results.json')} and results.png")


if __name__ == "__main__":
    main()
