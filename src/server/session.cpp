// Session lifecycle, message routing, requests in flight and server-to-client requests.
#include <lumen/server/session.hpp>

#include <lumen/log.hpp>
#include <lumen/protocol/version.hpp>
#include <lumen/server/errors.hpp>
#include <lumen/server/server.hpp>

#include <iostream>

namespace lumen::server {

namespace {

// Methods a client may send before initialize has completed.
bool allowed_before_initialize(std::string_view method) {
  return method == "initialize" || method == "ping";
}

}  // namespace

struct session::batch_reply {
  std::mutex mutex;
  // Answers still awaited, plus one held by handle_batch until every element is dispatched (so
  // that a fast first answer cannot send the array before the later elements are counted).
  std::size_t outstanding = 1;
  json::array responses;
};

session::session(server& owner, std::shared_ptr<message_sink> sink, std::string id)
    : server_(owner), sink_(std::move(sink)), id_(std::move(id)), observer_(owner.options().observer) {}

session::~session() { report_session_end(); }

void session::report_session_end() {
  std::optional<std::chrono::steady_clock::time_point> started;
  std::string version;
  std::optional<lumen::server::network_transport> transport;
  {
    std::lock_guard lock(mutex_);
    started = std::exchange(initialized_at_, std::nullopt);
    version = protocol_version_;
    transport = network_transport_;
  }
  if (!started || !observer_ || ephemeral_.load()) return;
  observer_->session_ended(*this, {std::chrono::steady_clock::now() - *started, version,
                                   transport.value_or(lumen::server::network_transport::pipe)});
}

std::optional<network_transport> session::network_transport() const {
  std::lock_guard lock(mutex_);
  return network_transport_;
}

std::string session::protocol_version() const {
  std::lock_guard lock(mutex_);
  return protocol_version_;
}

protocol::implementation session::client_info() const {
  std::lock_guard lock(mutex_);
  return client_info_;
}

json::object session::client_capabilities() const {
  std::lock_guard lock(mutex_);
  return client_capabilities_;
}

bool session::client_supports(std::string_view capability) const {
  std::lock_guard lock(mutex_);
  return client_capabilities_.contains(capability);
}

bool session::is_subscribed(const std::string& uri) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.contains(uri);
}

std::size_t session::in_flight() const {
  std::lock_guard lock(mutex_);
  return running_handlers_;
}

void session::send_message(const jsonrpc::message& m, const outgoing_context& context) {
  if (!sink_) return;
  try {
    sink_->send(jsonrpc::serialize(m), context);
  } catch (const std::exception& e) {
    log::write(log::level::error, "session " + id_ + ": failed to send a message: " + e.what());
  }
}

void session::receive(std::string_view text, const inbound_context& origin) {
  if (is_closed()) return;
  auto parsed = jsonrpc::parse(text, server_.options().limits);
  if (auto* err = std::get_if<jsonrpc::error_response>(&parsed)) {
    send_message(*err, {});
    return;
  }
  if (auto* b = std::get_if<jsonrpc::batch>(&parsed)) {
    handle_batch(*b, origin);
    return;
  }
  receive(std::get<jsonrpc::message>(std::move(parsed)), origin);
}

void session::receive(jsonrpc::message message, const inbound_context& origin) {
  if (is_closed()) return;
  std::visit(
      [this, &origin](auto&& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, jsonrpc::request>) {
          handle_request(std::move(m), origin);
        } else if constexpr (std::is_same_v<T, jsonrpc::notification>) {
          handle_notification(m, origin);
        } else if constexpr (std::is_same_v<T, jsonrpc::response>) {
          handle_response(m.id, std::move(m.result));
        } else {
          if (m.id) {
            handle_response(*m.id, m.error);
          } else {
            log::write(log::level::warning, "session " + id_ + ": client reported an error: " + m.error.message);
          }
        }
      },
      std::move(message));
}

void session::handle_batch(const jsonrpc::batch& b, const inbound_context& origin) {
  std::string version = protocol_version();
  if (!protocol::allows_batches(version) || b.elements.empty()) {
    send_message(jsonrpc::make_error(std::nullopt, jsonrpc::error_codes::invalid_request,
                                     b.elements.empty()
                                         ? "Invalid Request: empty batch"
                                         : "Invalid Request: JSON-RPC batches are not supported by "
                                           "protocol revision " +
                                               (version.empty() ? std::string(protocol::latest_version)
                                                                : version)),
                 {});
    return;
  }
  // 2025-03-26 allowed batches (JSON-RPC 2.0 section 6): each element is handled as if it had
  // arrived alone, but the answers to its requests (and the errors for its invalid elements) go
  // back together as one array; notifications and responses contribute nothing, and a batch of
  // only those gets no answer at all.
  auto reply = std::make_shared<batch_reply>();
  for (const auto& element : b.elements) {
    auto r = jsonrpc::from_json(element);
    if (auto* err = std::get_if<jsonrpc::error_response>(&r)) {
      std::lock_guard lock(reply->mutex);
      reply->responses.push_back(jsonrpc::to_json(*err));
      continue;
    }
    auto& m = std::get<jsonrpc::message>(r);
    if (auto* req = std::get_if<jsonrpc::request>(&m)) {
      if (is_closed()) break;
      {
        std::lock_guard lock(reply->mutex);
        ++reply->outstanding;
      }
      handle_request(std::move(*req), origin, reply);
    } else {
      receive(std::move(m), origin);
    }
  }
  deliver(reply, nullptr, {});
}

void session::deliver(const std::shared_ptr<batch_reply>& batch, const jsonrpc::message* answer,
                      const outgoing_context& context) {
  if (!batch) {
    if (answer) send_message(*answer, context);
    return;
  }
  json::array responses;
  {
    std::lock_guard lock(batch->mutex);
    if (answer) batch->responses.push_back(jsonrpc::to_json(*answer));
    if (--batch->outstanding > 0) return;
    responses = std::move(batch->responses);
  }
  if (responses.empty() || !sink_) return;
  try {
    sink_->send(json::serialize(responses), {});
  } catch (const std::exception& e) {
    log::write(log::level::error, "session " + id_ + ": failed to send a batch response: " + e.what());
  }
}

void session::answer_inline(const jsonrpc::request& req, const jsonrpc::message& answer, operation_scope* scope,
                            const std::shared_ptr<batch_reply>& batch) {
  deliver(batch, &answer, {req.id, true});
  if (scope) scope->finish(&answer);
}

void session::handle_request(jsonrpc::request req, const inbound_context& origin,
                             std::shared_ptr<batch_reply> batch) {
  std::shared_ptr<operation_scope> scope;
  if (auto const& observer = server_.options().observer) scope = observer->start_incoming(*this, {req.method, req.params, &req.id}, origin);

  if (!is_initialized() && !allowed_before_initialize(req.method)) {
    answer_inline(req,
                  jsonrpc::make_error(req.id, jsonrpc::error_codes::invalid_request,
                                      "Invalid Request: the session is not initialized; send "
                                      "\"initialize\" first"),
                  scope.get(), batch);
    return;
  }
  if (req.method == "initialize") {
    if (is_initialized()) {
      answer_inline(req,
                    jsonrpc::make_error(req.id, jsonrpc::error_codes::invalid_request,
                                        "Invalid Request: the session is already initialized"),
                    scope.get(), batch);
      return;
    }
    try {
      auto result = handle_initialize(req.params);
      {
        std::lock_guard lock(mutex_);
        initialized_at_ = std::chrono::steady_clock::now();
        network_transport_ = origin.network_transport;
      }
      answer_inline(req, jsonrpc::response{req.id, std::move(result)}, scope.get(), batch);
    } catch (const mcp_error& e) {
      answer_inline(req, jsonrpc::error_response{req.id, e.to_error_object()}, scope.get(), batch);
    }
    return;
  }
  if (req.method == "ping") {
    answer_inline(req, jsonrpc::response{req.id, json::object{}}, scope.get(), batch);
    return;
  }

  auto entry = std::make_shared<in_flight_request>();
  entry->scope = std::move(scope);
  entry->batch = std::move(batch);
  {
    std::lock_guard lock(mutex_);
    if (!in_flight_.emplace(req.id, entry).second) {
      answer_inline(req,
                    jsonrpc::make_error(req.id, jsonrpc::error_codes::invalid_request,
                                        "Invalid Request: request id " + req.id.to_string() +
                                            " is already in use by a request in flight"),
                    entry->scope.get(), entry->batch);
      return;
    }
    ++running_handlers_;
  }
  if (server_.options().worker_threads == 0) {
    // Inline (no hand-off to a worker and back); the transport may let go of the session once
    // the answer is sent, so keep it alive until the handler has returned.
    auto self = shared_from_this();
    run_handler(std::move(req), std::move(entry));
    return;
  }
  server_.post([self = shared_from_this(), req = std::move(req), entry = std::move(entry)]() mutable {
    self->run_handler(std::move(req), std::move(entry));
  });
}

void session::run_handler(jsonrpc::request req, std::shared_ptr<in_flight_request> entry) {
  outgoing_context reply{req.id, true};
  auto token = entry->source.token();
  operation_scope* scope = entry->scope.get();
  std::optional<jsonrpc::message> answer;
  {
    // The operation's context stays current until its answer is sent (log lines name its span).
    auto active = scope ? scope->activate() : nullptr;
    try {
      request_context ctx(shared_from_this(), req, token, scope);
      answer = jsonrpc::response{req.id, server_.handle(*this, req, ctx)};
    } catch (const core::operation_cancelled&) {
      // Answer nothing: the client cancelled.
    } catch (const mcp_error& e) {
      answer = jsonrpc::error_response{req.id, e.to_error_object()};
    } catch (const std::exception& e) {
      if (scope) scope->record_exception(e);
      answer = jsonrpc::make_error(req.id, jsonrpc::error_codes::internal_error,
                                   std::string("Internal error: ") + e.what());
    } catch (...) {
      answer = jsonrpc::make_error(req.id, jsonrpc::error_codes::internal_error,
                                   "Internal error: unknown exception");
    }
    // A cancelled request gets no response (MCP cancellation rules).
    if (token.is_cancelled()) answer.reset();
    {
      // The id is free before the answer goes out: a client may reuse it as soon as it has the
      // answer (and the handler has returned, so cancelling it would change nothing).
      std::lock_guard lock(mutex_);
      in_flight_.erase(req.id);
    }
    deliver(entry->batch, answer ? &*answer : nullptr, reply);
    if (!answer && !entry->batch && sink_) sink_->ended_without_answer(req.id);
  }
  if (scope) scope->finish(answer ? &*answer : nullptr);
  handler_finished();
}

void session::handler_finished() {
  {
    std::lock_guard lock(mutex_);
    --running_handlers_;
  }
  idle_cv_.notify_all();
}

json::object session::handle_initialize(const json::object& params) {
  auto requested = get_string(params, "protocolVersion");
  if (!requested) {
    throw invalid_params("Invalid params: initialize needs a string \"protocolVersion\"");
  }
  std::string version(protocol::negotiate_version(*requested));
  {
    std::lock_guard lock(mutex_);
    protocol_version_ = version;
    if (auto const* info = get_object(params, "clientInfo")) client_info_ = protocol::implementation::from_json(*info);
    if (auto const* caps = get_object(params, "capabilities")) client_capabilities_ = *caps;
  }
  state_.store(state::initialized);
  json::object result{{"protocolVersion", version},
                      {"capabilities", server_.capabilities()},
                      {"serverInfo", server_.info().to_json()}};
  if (server_.options().instructions) result.emplace("instructions", *server_.options().instructions);
  return result;
}

void session::assume_initialized(std::string version, json::object client_capabilities) {
  {
    std::lock_guard lock(mutex_);
    protocol_version_ = std::move(version);
    client_capabilities_ = std::move(client_capabilities);
  }
  state_.store(state::initialized);
}

void session::handle_notification(const jsonrpc::notification& n, const inbound_context& origin) {
  std::shared_ptr<operation_scope> scope;
  if (auto const& observer = server_.options().observer) scope = observer->start_incoming(*this, {n.method, n.params, nullptr}, origin);
  struct finish_on_exit {
    operation_scope* scope;
    ~finish_on_exit() {
      if (scope) scope->finish(nullptr);
    }
  } finisher{scope.get()};
  if (n.method == "notifications/cancelled") {
    auto const* id_value = n.params.if_contains("requestId");
    if (!id_value) return;
    auto id = jsonrpc::request_id::from_json(*id_value);
    if (!id) return;
    std::shared_ptr<in_flight_request> entry;
    {
      std::lock_guard lock(mutex_);
      if (auto it = in_flight_.find(*id); it != in_flight_.end()) entry = it->second;
    }
    // Unknown or finished ids are ignored, as the spec asks.
    if (entry) entry->source.cancel(std::string(get_string(n.params, "reason").value_or("")));
    return;
  }
  // notifications/initialized, progress, roots/list_changed: nothing to do in the core.
}

void session::handle_response(const jsonrpc::request_id& id, client_response result) {
  if (!id.is_integer()) return;  // our outgoing ids are integers
  std::shared_ptr<pending_request> p;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id.as_integer());
    if (it == pending_.end()) return;  // late, duplicate or unknown: ignore
    p = it->second;
    pending_.erase(it);
  }
  {
    std::lock_guard lock(p->mutex);
    p->result = std::move(result);
  }
  p->cv.notify_all();
}

void session::notify(const std::string& method, json::object params, const outgoing_context& context) {
  if (is_closed()) return;
  send_message(jsonrpc::notification{method, std::move(params)}, context);
}

void session::log(protocol::log_level level, json::value data, std::optional<std::string> logger,
                  const outgoing_context& context) {
  if (static_cast<int>(level) < log_level_.load()) return;
  json::object params{{"level", protocol::to_string(level)}};
  if (logger) params.emplace("logger", *logger);
  params.emplace("data", std::move(data));
  notify("notifications/message", std::move(params), context);
}

client_response session::request(const std::string& method, json::object params,
                                 std::chrono::milliseconds timeout, const outgoing_context& context,
                                 const core::cancellation_token* cancel, const operation_scope* parent) {
  auto p = std::make_shared<pending_request>();
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (state_.load() == state::closed) {
      throw mcp_error(jsonrpc::error_codes::internal_error, "the session is closed");
    }
    id = ++next_outgoing_id_;
    pending_.emplace(id, p);
  }
  core::cancellation_registration registration;
  if (cancel) {
    registration = cancel->on_cancel([p] {
      { std::lock_guard lock(p->mutex); }
      p->cv.notify_all();
    });
  }
  jsonrpc::request outgoing{id, method, std::move(params)};
  std::shared_ptr<operation_scope> scope;
  if (auto const& observer = server_.options().observer) scope = observer->start_outgoing(*this, outgoing, parent);
  send_message(outgoing, context);

  std::unique_lock lock(p->mutex);
  bool answered = p->cv.wait_for(lock, timeout, [&] {
    return p->result.has_value() || (cancel && cancel->is_cancelled()) || is_closed();
  });
  if (p->result) {
    client_response result = std::move(*p->result);
    lock.unlock();
    if (scope) {
      jsonrpc::message answer = std::holds_alternative<json::value>(result)
                                    ? jsonrpc::message(jsonrpc::response{id, std::get<json::value>(result)})
                                    : jsonrpc::message(jsonrpc::error_response{id, std::get<jsonrpc::error_object>(result)});
      scope->finish(&answer);
    }
    return result;
  }
  lock.unlock();
  {
    std::lock_guard guard(mutex_);
    pending_.erase(id);
  }
  std::string reason = answered ? (is_closed() ? "session closed" : "request cancelled")
                                : "timed out after " + std::to_string(timeout.count()) + " ms";
  // Tell the client to stop working on it.
  notify("notifications/cancelled", json::object{{"requestId", id}, {"reason", reason}}, context);
  if (scope) {
    jsonrpc::message failure = jsonrpc::make_error(
        id, answered ? jsonrpc::error_codes::internal_error : jsonrpc::error_codes::request_timeout, reason);
    scope->finish(&failure);
  }
  if (answered && cancel && cancel->is_cancelled()) throw core::operation_cancelled();
  throw mcp_error(answered ? jsonrpc::error_codes::internal_error : jsonrpc::error_codes::request_timeout,
                  method + ": " + reason);
}

bool session::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return running_handlers_ == 0; });
}

void session::close(std::chrono::milliseconds grace) {
  if (state_.exchange(state::closed) == state::closed) return;
  std::vector<std::shared_ptr<in_flight_request>> running;
  std::vector<std::shared_ptr<pending_request>> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : in_flight_) running.push_back(entry);
    for (auto& [id, p] : pending_) waiting.push_back(p);
  }
  for (auto& p : waiting) {
    { std::lock_guard lock(p->mutex); }
    p->cv.notify_all();
  }
  for (auto& entry : running) entry->source.cancel("session closed");
  wait_idle(grace);
  report_session_end();
}

}  // namespace lumen::server
