-- wrk script: POST one MCP tools/call of the `echo` tool per request (JSON response expected).
-- MCP_SESSION_ID (optional) is sent as Mcp-Session-Id for session-mode servers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
local session = os.getenv("MCP_SESSION_ID")
if session and session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
end
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'

local errors = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"hello"', 1, true) then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  local out = io.open(os.getenv("WRK_REPORT") or "/dev/stdout", "w")
  out:write(string.format('{"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p99_us":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
  out:close()
end
