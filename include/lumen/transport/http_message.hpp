// Framework-neutral HTTP request and response types, and the response channel through which an
// endpoint answers (a whole response, or a Server-Sent Events stream). Lumen's own HTTP server
// implements the channel; a host framework can implement it to mount Lumen's endpoint.
#pragma once

#include <lumen/trace/span_context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::transport {

using header_fields = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method;
  std::string target;  // path and query
  header_fields headers;
  std::string body;
  std::string peer_address;
  std::uint16_t peer_port = 0;
  /// The request line's HTTP version: 11 for HTTP/1.1, 10 for HTTP/1.0.
  unsigned http_version = 11;
  /// The ambient trace context (the HTTP server span, or the host's current span) in W3C form
  /// (`traceparent`/`tracestate` header values); empty when there is none. A host framework that
  /// mounts the endpoint sets these to its own request span; the endpoint hands them to the MCP
  /// session with each message (server::inbound_context), where the telemetry layer applies the
  /// parent/link rule.
  std::string ambient_traceparent;
  std::string ambient_tracestate;
  /// The same context already parsed: Lumen's own HTTP observer sets this (a context it holds
  /// typed need not go through W3C text and back). When valid, it wins over the text fields.
  trace::span_context ambient_context;

  /// The first header `name` (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  /// The path without the query.
  std::string_view path() const;
};

struct http_response {
  unsigned status = 200;
  header_fields headers;
  std::string body;
};

/// How an endpoint answers one request. Calls may come from any thread; implementations
/// serialize them. Exactly one of respond() or start_stream() is called.
class response_channel {
 public:
  virtual ~response_channel() = default;
  virtual void respond(http_response response) = 0;
  /// Starts a 200 text/event-stream response with these extra headers.
  virtual void start_stream(header_fields headers) = 0;
  /// Sends raw SSE bytes (one or more complete events); false once the client has gone.
  virtual bool send(std::string chunk) = 0;
  /// Ends the stream (the connection may be reused).
  virtual void end_stream() = 0;
  /// False once the client has disconnected.
  virtual bool is_open() const = 0;
};

/// Observes each HTTP request a server handles (the telemetry layer makes HTTP server spans).
class http_request_scope {
 public:
  virtual ~http_request_scope() = default;
  /// The response status (called once, when the response starts).
  virtual void finish(unsigned status) = 0;
};

class http_request_observer {
 public:
  virtual ~http_request_observer() = default;
  /// Called before routing; may set `request.ambient_traceparent`/`ambient_tracestate` to the
  /// span it starts. `route` is the matched route template ("" when none matched).
  virtual std::shared_ptr<http_request_scope> start(http_request& request, std::string_view route,
                                                    std::string_view server_address, std::uint16_t server_port) = 0;
};

bool iequals(std::string_view a, std::string_view b) noexcept;

/// True when an `Accept` header value admits `media_type` ("type/subtype"): listed exactly or by a
/// wildcard (`type/*`, `*/*`) without `q=0`. Case-insensitive; parameters other than q are ignored.
bool accepts_media_type(std::string_view accept, std::string_view media_type) noexcept;
/// True when a `Content-Type` value is `media_type` (parameters such as charset ignored).
bool is_media_type(std::string_view content_type, std::string_view media_type) noexcept;

}  // namespace lumen::transport
