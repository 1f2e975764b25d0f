// What a handler sees of the request it serves: ids, params, cancellation, progress, logging, and
// requests back to the client (sampling, elicitation, roots).
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/protocol/types.hpp>
#include <lumen/core/cancellation.hpp>
#include <lumen/server/observer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace lumen::server {

class session;

/// Per-request handle given to every handler. Valid for the duration of the handler call.
class request_context {
 public:
  /// `request` must outlive the context (the server keeps it alive while the handler runs).
  explicit request_context(std::shared_ptr<session> s, const jsonrpc::request& request, core::cancellation_token token,
                  operation_scope* scope = nullptr);

  /// The request's JSON-RPC id.
  const jsonrpc::request_id& id() const noexcept { return request_.id; }
  /// The request's method (e.g. "tools/call").
  const std::string& method() const noexcept { return request_.method; }
  /// The request's params.
  const json::object& params() const noexcept { return request_.params; }
  /// `params._meta`, or nullptr.
  const json::object* meta() const noexcept;
  /// The session this request arrived on.
  lumen::server::session& owning_session() const noexcept { return *session_; }

  /// Cancelled when the client sends notifications/cancelled for this request or the session ends.
  const core::cancellation_token& cancellation() const noexcept { return token_; }
  /// The MCP span of this request (add attributes or events; spans started while the handler runs
  /// on this thread are its children, and `trace::span_options::parent = span().context()` makes
  /// them so on other threads). Non-recording when telemetry is off.
  trace::span span() const { return scope_ ? scope_->span() : trace::span{}; }
  /// True once the request is cancelled.
  bool is_cancelled() const noexcept { return token_.is_cancelled(); }

  /// Sends notifications/progress when the request carried a progressToken (else does nothing).
  /// Progress must increase from call to call; a value that does not is ignored.
  void report_progress(double progress, std::optional<double> total = std::nullopt,
                       std::optional<std::string> message = std::nullopt);

  /// Sends a notification to the client as part of this request (on Streamable HTTP, on the
  /// request's stream).
  void notify(const std::string& method, json::object params = {});

  /// Sends notifications/message when `level` passes the session's logging level.
  void log(protocol::log_level level, json::value data, std::optional<std::string> logger = std::nullopt);
  /// Same, with a text message as the data.
  void log(protocol::log_level level, const std::string& text, std::optional<std::string> logger = std::nullopt) {
    log(level, json::value(json::string(text)), std::move(logger));
  }
  void log(protocol::log_level level, const char* text, std::optional<std::string> logger = std::nullopt) {
    log(level, json::value(json::string(text)), std::move(logger));
  }

  /// sampling/createMessage; throws capability_error when the client did not declare `sampling`,
  /// mcp_error on a client error or timeout, core::operation_cancelled when this request is cancelled.
  json::object create_message(json::object params,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60));
  /// elicitation/create (form mode); same errors, capability `elicitation`.
  json::object elicit(json::object params, std::chrono::milliseconds timeout = std::chrono::minutes(10));
  /// roots/list; same errors, capability `roots`.
  json::object list_roots(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Any request to the client, on this request's behalf (same errors).
  json::value send_request(const std::string& method, json::object params,
                           std::chrono::milliseconds timeout);

 private:
  std::shared_ptr<lumen::server::session> session_;
  const jsonrpc::request& request_;
  core::cancellation_token token_;
  operation_scope* scope_;
  std::optional<json::value> progress_token_;
  double last_progress_ = -1e300;
};

}  // namespace lumen::server
