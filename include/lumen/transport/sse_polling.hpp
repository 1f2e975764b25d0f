// SSE polling (SEP-1699): a handler of a long-running request can end the HTTP stream that carries
// its answers; the client then reconnects with GET and `Last-Event-ID` (after the `retry` delay)
// and receives what was sent meanwhile, the result included, from the event store.
#pragma once

#include <lumen/server/request_context.hpp>

namespace lumen::transport {

/// Ends the SSE stream of the request `ctx` serves (starting it first, so the client has an event
/// id to resume from). False when the request is not served over Streamable HTTP with sessions or
/// its stream has already ended.
bool close_sse_stream(const server::request_context& ctx);

}  // namespace lumen::transport
