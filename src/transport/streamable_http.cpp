// The MCP Streamable HTTP endpoint.
#include <lumen/transport/streamable_http.hpp>

#include "http_session.hpp"

#include <lumen/core/hex.hpp>
#include <lumen/core/secure_random.hpp>
#include <lumen/jsonrpc/parse.hpp>
#include <lumen/protocol/version.hpp>

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace lumen::transport {

std::string jsonrpc_error_body(int code, std::string_view message) {
  return jsonrpc::serialize(jsonrpc::make_error(std::nullopt, code, std::string(message)));
}

namespace {

constexpr int transport_error_code = -32000;
constexpr int session_not_found_code = -32001;

http_response error_response(unsigned status, std::string_view message, int code = transport_error_code) {
  return {status, {{"Content-Type", "application/json"}}, jsonrpc_error_body(code, message)};
}

http_response method_not_allowed(std::string_view allow, std::string_view message) {
  http_response r = error_response(405, message);
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

// 128 bits from the kernel's CSPRNG as 32 hex digits (visible ASCII, as the spec requires).
std::string new_session_id() { return core::hex_encode(core::secure_random_array<16>()); }

}  // namespace

struct mcp_endpoint::impl {
  impl(server::server& s, endpoint_options o) : srv(s), options(std::move(o)) {
    if (!options.events && !options.stateless) options.events = std::make_shared<memory_event_store>(options.event_limits);
  }

  server::server& srv;
  endpoint_options options;
  mutable std::mutex mutex;
  origin_policy origins;  // guarded by mutex (replaceable at run time)
  std::map<std::string, std::shared_ptr<detail::http_session>, std::less<>> sessions;
  std::chrono::steady_clock::time_point last_sweep = std::chrono::steady_clock::now();
  std::atomic<bool> draining{false};

  detail::http_session_config session_config(bool stateful) const {
    return {.max_requests = options.max_requests_per_session,
            .max_pending_messages = options.max_pending_messages,
            .sse_retry = options.sse_retry,
            .events = stateful ? options.events : nullptr};
  }

  std::shared_ptr<detail::http_session> find(std::string_view id) {
    std::lock_guard lock(mutex);
    auto it = sessions.find(id);
    return it == sessions.end() ? nullptr : it->second;
  }

  void sweep_idle() {
    std::vector<std::shared_ptr<detail::http_session>> expired;
    {
      std::lock_guard lock(mutex);
      auto now = std::chrono::steady_clock::now();
      if (now - last_sweep < std::chrono::seconds(1)) return;
      last_sweep = now;
      for (auto it = sessions.begin(); it != sessions.end();) {
        if (it->second->idle_for(options.session_idle_timeout)) {
          expired.push_back(it->second);
          it = sessions.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& s : expired) s->close(options.shutdown_grace);
  }

  // Takes the request's ambient context (nothing reads it from the request afterwards).
  static server::inbound_context origin_of(http_request& req) {
    server::inbound_context o;
    o.network_transport = server::network_transport::tcp;
    o.ambient_kind = server::ambient_kind::transport;
    // The ambient trace context travels with every message to the session (and its observer).
    o.ambient_traceparent = std::move(req.ambient_traceparent);
    o.ambient_tracestate = std::move(req.ambient_tracestate);
    o.ambient = std::move(req.ambient_context);
    o.peer_address = req.peer_address;
    o.peer_port = req.peer_port;
    return o;
  }

  void handle(http_request req, const std::shared_ptr<response_channel>& ch) {
    {
      std::optional<std::string> denied;
      {
        std::lock_guard lock(mutex);
        denied = origins.check(req.header("Host"), req.header("Origin"));
      }
      if (denied) return ch->respond(error_response(403, *denied));
    }
    if (req.method != "POST" && req.method != "GET" && req.method != "DELETE") {
      return ch->respond(method_not_allowed(options.stateless ? "POST" : "GET, POST, DELETE",
                                            "Method Not Allowed: the MCP endpoint takes POST, GET and DELETE"));
    }
    if (draining) {
      http_response r = error_response(503, "Service Unavailable: the server is shutting down");
      r.headers.emplace_back("Connection", "close");
      return ch->respond(std::move(r));
    }
    if (auto v = req.header("MCP-Protocol-Version"); v && !protocol::is_supported_version(*v)) {
      std::string supported;
      for (auto s : protocol::supported_versions) supported += (supported.empty() ? "" : ", ") + std::string(s);
      return ch->respond(error_response(
          400, "Bad Request: unsupported MCP-Protocol-Version \"" + std::string(*v) + "\" (supported: " + supported + ")"));
    }
    if (!options.stateless) sweep_idle();  // a stateless endpoint keeps no sessions
    if (req.method == "POST") return post(std::move(req), ch);
    if (req.method == "GET") return get(req, ch);
    return del(req, ch);
  }

  std::optional<http_response> session_of(const http_request& req, std::shared_ptr<detail::http_session>& out) {
    auto sid = req.header("Mcp-Session-Id");
    if (!sid) return error_response(400, "Bad Request: Mcp-Session-Id header is required");
    out = find(*sid);
    if (!out) return error_response(404, "Not Found: unknown or terminated session", session_not_found_code);
    return std::nullopt;
  }

  void post(http_request req, const std::shared_ptr<response_channel>& ch) {
    auto accept = req.header("Accept").value_or("");
    if (!accepts_media_type(accept, "application/json") || !accepts_media_type(accept, "text/event-stream")) {
      return ch->respond(error_response(406, "Not Acceptable: Accept must list application/json and text/event-stream"));
    }
    if (!is_media_type(req.header("Content-Type").value_or(""), "application/json")) {
      return ch->respond(error_response(415, "Unsupported Media Type: Content-Type must be application/json"));
    }
    auto parsed = jsonrpc::parse(req.body, srv.options().limits);
    if (auto* err = std::get_if<jsonrpc::error_response>(&parsed)) {
      return ch->respond({400, {{"Content-Type", "application/json"}}, jsonrpc::serialize(*err)});
    }
    if (auto* b = std::get_if<jsonrpc::batch>(&parsed)) return post_batch(req, std::move(*b), ch);
    auto message = std::get<jsonrpc::message>(std::move(parsed));
    auto* request = std::get_if<jsonrpc::request>(&message);
    const bool is_initialize = request && request->method == "initialize";
    auto origin = origin_of(req);

    if (options.stateless) return post_stateless(req, std::move(message), is_initialize, origin, ch);

    std::shared_ptr<detail::http_session> hs;
    if (is_initialize) {
      hs = std::make_shared<detail::http_session>(new_session_id(), session_config(true));
      std::lock_guard lock(mutex);
      if (sessions.size() >= options.max_sessions) {
        return ch->respond(error_response(503, "Service Unavailable: too many sessions"));
      }
      hs->attach(srv.connect(hs, hs->id()));
      sessions.emplace(hs->id(), hs);
    } else if (auto rejected = session_of(req, hs)) {
      return ch->respond(std::move(*rejected));
    }
    hs->touch();
    auto mcp = hs->mcp();
    if (!mcp) return ch->respond(error_response(404, "Not Found: unknown or terminated session", session_not_found_code));
    if (!request) {
      // A notification or a response (to a server-to-client request): accepted, no body.
      mcp->receive(std::move(message), origin);
      return ch->respond({202, {{"Mcp-Session-Id", hs->id()}}, {}});
    }
    using open_result = detail::http_session::open_result;
    switch (hs->open_request_stream(request->id, ch, options.always_stream)) {
      case open_result::opened:
        break;
      case open_result::too_many_requests:
        return ch->respond(too_many_requests("Too Many Requests: too many requests in flight in this session"));
      case open_result::id_in_use:
        // An HTTP error, not a JSON-RPC answer with that id, which the client would take for the
        // answer to the request in flight.
        return ch->respond(error_response(400,
                                          "Bad Request: request id " + request->id.to_string() +
                                              " is already in use by a request in flight in this session",
                                          jsonrpc::error_codes::invalid_request));
    }
    mcp->receive(std::move(message), origin);
  }

  void post_stateless(const http_request& req, jsonrpc::message message, bool is_initialize,
                      const server::inbound_context& origin, const std::shared_ptr<response_channel>& ch) {
    auto hs = stateless_session();
    auto mcp = hs->mcp();
    if (!is_initialize) mcp->assume_initialized(stateless_version(req));
    auto* request = std::get_if<jsonrpc::request>(&message);
    if (!request) {
      mcp->receive(std::move(message), origin);
      hs->close(options.shutdown_grace);
      return ch->respond({202, {}, {}});
    }
    hs->open_request_stream(request->id, ch, options.always_stream);
    mcp->receive(std::move(message), origin);  // the session lets go of itself once it has answered
  }

  // A fresh session per stateless POST; no Mcp-Session-Id and no resumption.
  std::shared_ptr<detail::http_session> stateless_session() {
    auto hs = std::make_shared<detail::http_session>(std::string(), session_config(false));
    hs->attach(srv.connect(hs));
    hs->mcp()->mark_ephemeral();
    return hs;
  }

  // A stateless POST's revision: its MCP-Protocol-Version, else 2025-03-26 (which had none).
  static std::string stateless_version(const http_request& req) {
    return std::string(req.header("MCP-Protocol-Version").value_or(protocol::version_2025_03_26));
  }

  static http_response too_many_requests(std::string message) {
    http_response r = error_response(429, message);
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }

  // A JSON-RPC batch: only revision 2025-03-26 has them (on a session negotiated at it, or, when
  // stateless, a POST without a later MCP-Protocol-Version). Its requests are handled one by one
  // and answered together, as one JSON array; a batch of only notifications and responses gets
  // 202.
  void post_batch(http_request& req, jsonrpc::batch batch, const std::shared_ptr<response_channel>& ch) {
    std::shared_ptr<detail::http_session> hs;
    std::shared_ptr<server::session> mcp;
    std::string version;
    if (options.stateless) {
      version = stateless_version(req);
    } else {
      if (auto rejected = session_of(req, hs)) return ch->respond(std::move(*rejected));
      mcp = hs->mcp();
      if (!mcp) return ch->respond(error_response(404, "Not Found: unknown or terminated session", session_not_found_code));
      version = mcp->protocol_version();
    }
    if (!protocol::allows_batches(version)) {
      return ch->respond(error_response(400,
                                        "Invalid Request: a POST carries one JSON-RPC message; batches exist only in "
                                        "protocol revision 2025-03-26, not " + version,
                                        jsonrpc::error_codes::invalid_request));
    }
    if (batch.elements.empty()) {
      return ch->respond(error_response(400, "Invalid Request: empty batch", jsonrpc::error_codes::invalid_request));
    }
    std::vector<jsonrpc::message> messages;
    std::vector<jsonrpc::request_id> ids;
    std::unordered_set<jsonrpc::request_id> seen;
    std::vector<std::string> errors;  // the answers to invalid elements, in the batch's answer
    messages.reserve(batch.elements.size());
    for (const auto& element : batch.elements) {
      auto r = jsonrpc::from_json(element);
      if (auto* err = std::get_if<jsonrpc::error_response>(&r)) {
        errors.push_back(jsonrpc::serialize(*err));
        continue;
      }
      auto& m = std::get<jsonrpc::message>(r);
      if (auto* rq = std::get_if<jsonrpc::request>(&m)) {
        if (rq->method == "initialize") {
          return ch->respond(error_response(400, "Invalid Request: initialize must not be part of a JSON-RPC batch",
                                            jsonrpc::error_codes::invalid_request));
        }
        if (!seen.insert(rq->id).second) {
          return ch->respond(error_response(400, "Bad Request: request id " + rq->id.to_string() +
                                                     " appears more than once in the batch",
                                            jsonrpc::error_codes::invalid_request));
        }
        ids.push_back(rq->id);
      }
      messages.push_back(std::move(m));
    }
    auto origin = origin_of(req);
    if (options.stateless) {
      hs = stateless_session();
      mcp = hs->mcp();
      mcp->assume_initialized(version);
    } else {
      hs->touch();
    }
    header_fields headers;
    if (!hs->id().empty()) headers.emplace_back("Mcp-Session-Id", hs->id());
    if (ids.empty()) {
      // Nothing that awaits an answer but (perhaps) invalid elements, answered here.
      for (auto& m : messages) mcp->receive(std::move(m), origin);
      if (options.stateless) hs->close(options.shutdown_grace);
      if (errors.empty()) return ch->respond({202, std::move(headers), {}});
      headers.emplace_back("Content-Type", "application/json");
      return ch->respond({200, std::move(headers), detail::json_array_of(errors)});
    }
    using open_result = detail::http_session::open_result;
    const auto opened = hs->open_batch_stream(ids, std::move(errors), ch, options.always_stream);
    if (opened != open_result::opened && options.stateless) hs->close(std::chrono::milliseconds(0));
    if (opened == open_result::too_many_requests) {
      return ch->respond(too_many_requests("Too Many Requests: the batch's " + std::to_string(ids.size()) +
                                           " requests would exceed the requests in flight allowed in this session"));
    }
    if (opened == open_result::id_in_use) {
      return ch->respond(error_response(400, "Bad Request: a request id of the batch is already in use by a "
                                             "request in flight in this session",
                                        jsonrpc::error_codes::invalid_request));
    }
    for (auto& m : messages) mcp->receive(std::move(m), origin);
  }

  void get(const http_request& req, const std::shared_ptr<response_channel>& ch) {
    if (options.stateless) {
      return ch->respond(method_not_allowed("POST", "Method Not Allowed: a stateless endpoint has no GET stream"));
    }
    if (!accepts_media_type(req.header("Accept").value_or(""), "text/event-stream")) {
      return ch->respond(error_response(406, "Not Acceptable: Accept must list text/event-stream"));
    }
    std::shared_ptr<detail::http_session> hs;
    if (auto rejected = session_of(req, hs)) return ch->respond(std::move(*rejected));
    if (hs->open_get_stream(ch, req.header("Last-Event-ID")) == detail::http_session::resume_result::bad_event_id) {
      ch->respond(error_response(400, "Bad Request: malformed Last-Event-ID"));
    }
  }

  void del(const http_request& req, const std::shared_ptr<response_channel>& ch) {
    if (options.stateless) {
      return ch->respond(method_not_allowed("POST", "Method Not Allowed: a stateless endpoint has no sessions"));
    }
    auto sid = req.header("Mcp-Session-Id");
    if (!sid) return ch->respond(error_response(400, "Bad Request: Mcp-Session-Id header is required"));
    std::shared_ptr<detail::http_session> hs;
    {
      std::lock_guard lock(mutex);
      auto it = sessions.find(*sid);
      if (it == sessions.end()) {
        return ch->respond(error_response(404, "Not Found: unknown or terminated session", session_not_found_code));
      }
      hs = it->second;
      sessions.erase(it);
    }
    ch->respond({200, {}, {}});
    hs->close(std::chrono::milliseconds(0));
  }
};

mcp_endpoint::mcp_endpoint(server::server& srv, endpoint_options options)
    : impl_(std::make_shared<impl>(srv, std::move(options))) {
  impl_->origins = impl_->options.origins;
}

mcp_endpoint::~mcp_endpoint() { shutdown(); }

const endpoint_options& mcp_endpoint::options() const noexcept { return impl_->options; }

void mcp_endpoint::handle(http_request request, std::shared_ptr<response_channel> channel) {
  try {
    impl_->handle(std::move(request), channel);
  } catch (const std::exception& e) {
    channel->respond(error_response(500, std::string("Internal Server Error: ") + e.what(),
                                    jsonrpc::error_codes::internal_error));
  }
}

std::size_t mcp_endpoint::session_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions.size();
}

void mcp_endpoint::shutdown() {
  if (impl_->draining.exchange(true)) return;
  std::map<std::string, std::shared_ptr<detail::http_session>, std::less<>> all;
  {
    std::lock_guard lock(impl_->mutex);
    all.swap(impl_->sessions);
  }
  // Requests in flight finish (their answers still go out) within the grace period, in parallel.
  auto deadline = std::chrono::steady_clock::now() + impl_->options.shutdown_grace;
  for (auto& [id, s] : all) {
    if (auto mcp = s->mcp()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      mcp->wait_idle(std::max(left, std::chrono::milliseconds(0)));
    }
  }
  for (auto& [id, s] : all) s->close(std::chrono::milliseconds(100));
}

void mcp_endpoint::set_origin_policy(origin_policy policy) {
  std::lock_guard lock(impl_->mutex);
  impl_->origins = std::move(policy);
}

origin_policy mcp_endpoint::current_origin_policy() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->origins;
}

}  // namespace lumen::transport
