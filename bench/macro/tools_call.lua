-- wrk script: POST one MCP tools/call of the `echo` tool per request (JSON or SSE answer).
-- MCP_SESSION_ID (optional) is sent as Mcp-Session-Id for session-mode servers.
-- Every request carries its own id: a session's requests in flight must have distinct ids
-- (JSON-RPC), and 16 connections share one session. The ids are fixed-width strings, so the
-- request is built once and only the id digits change (the load generator's cost stays flat).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
local session = os.getenv("MCP_SESSION_ID")
if session and session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
end
local placeholder = "@@@@@@@@@@@@@@@"  -- 15 characters: 3 for the thread, 12 for the counter
wrk.body = '{"jsonrpc":"2.0","id":"' .. placeholder ..
  '","method":"tools/call","params":{"name":"echo","arguments":{"message":"hello"}}}'

local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local head, tail
local counter = 0
bad = 0  -- responses that are not 200 with the echoed text (global: done() reads it per thread)

function init(args)
  local template = wrk.format()
  local at = string.find(template, placeholder, 1, true)
  head = string.sub(template, 1, at - 1) .. string.format("%03d", thread_index or 0)
  tail = string.sub(template, at + #placeholder)
end

function request()
  counter = counter + 1
  return head .. string.format("%012d", counter) .. tail
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"hello"', 1, true) then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + (t:get("bad") or 0) end
  local out = io.open(os.getenv("WRK_REPORT") or "/dev/stdout", "w")
  out:write(string.format('{"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p99_us":%d,"errors":%d,"non2xx":%d,"bad_answers":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, wrong))
  out:close()
end
