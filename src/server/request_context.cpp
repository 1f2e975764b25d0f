// The handler's request context.
#include <lumen/server/request_context.hpp>

#include <lumen/server/errors.hpp>
#include <lumen/server/session.hpp>

namespace lumen::server {

request_context::request_context(std::shared_ptr<lumen::server::session> s, const jsonrpc::request& request,
                                 core::cancellation_token token, operation_scope* scope)
    : session_(std::move(s)),
      request_(request),
      token_(std::move(token)),
      scope_(scope) {
  if (auto const* m = meta()) {
    if (auto const* t = m->if_contains("progressToken"); t && (t->is_string() || t->is_int64() || t->is_uint64())) {
      progress_token_ = *t;
    }
  }
}

const json::object* request_context::meta() const noexcept { return get_object(request_.params, "_meta"); }

void request_context::report_progress(double progress, std::optional<double> total,
                                      std::optional<std::string> message) {
  if (!progress_token_ || progress <= last_progress_) return;
  last_progress_ = progress;
  json::object params{{"progressToken", *progress_token_}, {"progress", progress}};
  if (total) params.emplace("total", *total);
  if (message) params.emplace("message", *message);
  notify("notifications/progress", std::move(params));
}

void request_context::notify(const std::string& method, json::object params) {
  session_->notify(method, std::move(params), {request_.id, false});
}

void request_context::log(protocol::log_level level, json::value data, std::optional<std::string> logger) {
  session_->log(level, std::move(data), std::move(logger), {request_.id, false});
}

json::value request_context::send_request(const std::string& method, json::object params,
                                          std::chrono::milliseconds timeout) {
  auto answer = session_->request(method, std::move(params), timeout, {request_.id, false}, &token_, scope_);
  if (auto* err = std::get_if<jsonrpc::error_object>(&answer)) {
    throw mcp_error(err->code, method + " failed on the client: " + err->message, err->data);
  }
  return std::get<json::value>(std::move(answer));
}

namespace {
json::object as_object(json::value v, const std::string& method) {
  if (!v.is_object()) {
    throw mcp_error(jsonrpc::error_codes::internal_error, method + ": the client's result is not an object");
  }
  return std::move(v.get_object());
}
}  // namespace

json::object request_context::create_message(json::object params, std::chrono::milliseconds timeout) {
  if (!session_->client_supports("sampling")) {
    throw capability_error("sampling/createMessage: the client did not declare the \"sampling\" capability");
  }
  return as_object(send_request("sampling/createMessage", std::move(params), timeout), "sampling/createMessage");
}

json::object request_context::elicit(json::object params, std::chrono::milliseconds timeout) {
  if (!session_->client_supports("elicitation")) {
    throw capability_error("elicitation/create: the client did not declare the \"elicitation\" capability");
  }
  return as_object(send_request("elicitation/create", std::move(params), timeout), "elicitation/create");
}

json::object request_context::list_roots(std::chrono::milliseconds timeout) {
  if (!session_->client_supports("roots")) {
    throw capability_error("roots/list: the client did not declare the \"roots\" capability");
  }
  return as_object(send_request("roots/list", {}, timeout), "roots/list");
}

}  // namespace lumen::server
