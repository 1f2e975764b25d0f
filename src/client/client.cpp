// The MCP client core: request bookkeeping, the dispatch thread, the lifecycle, and the handling
// of what the server sends (responses, notifications, server-to-client requests).
#include <lumen/client/client.hpp>

#include "worker_pool.hpp"

#include <lumen/log.hpp>

#include <iostream>

namespace lumen::client {

namespace {

constexpr std::size_t finished_ids_kept = 1024;

std::exception_ptr as_exception_ptr(const std::optional<client_error>& error) {
  return error ? std::make_exception_ptr(*error) : nullptr;
}

std::string with_reason(std::string what, const std::string& reason) {
  if (!reason.empty()) what += ": " + reason;
  return what;
}

// What goes on the wire: the caller's params, with the caller's `_meta` members and the progress
// token (the request id) merged into `params._meta`.
json::object wire_params(const json::object& params, const request_options& options, std::int64_t id) {
  json::object wire = params;
  if (options.on_progress || !options.meta.empty()) {
    json::object meta;
    if (auto const* m = get_object(wire, "_meta")) meta = *m;
    for (const auto& [k, v] : options.meta) meta[k] = v;
    if (options.on_progress) meta["progressToken"] = id;
    wire["_meta"] = std::move(meta);
  }
  return wire;
}

}  // namespace

struct client::pending_request {
  std::string method;
  request_options options;
  std::chrono::milliseconds timeout{0};
  std::chrono::steady_clock::time_point deadline;
  request_completion done;
  std::function<void(const json::value*, const client_error*)> on_complete;
  core::cancellation_registration cancel_registration;
};

json::object root::to_json() const {
  json::object o{{"uri", uri}};
  if (name) o.emplace("name", *name);
  return o;
}

client::client(std::unique_ptr<lumen::client::transport> transport, client_options options)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      workers_(std::make_unique<detail::worker_pool>(options_.worker_threads, options_.worker_queue_limit)) {
  if (!transport_) throw client_error(error_kind::transport_error, "client needs a transport");
}

client::~client() {
  try {
    close();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

// ---- Handlers ---------------------------------------------------------------------------------

void client::set_sampling_handler(sampling_handler handler) { sampling_handler_ = std::move(handler); }

void client::set_elicitation_handler(elicitation_handler handler, bool url_mode) {
  elicitation_handler_ = std::move(handler);
  elicitation_url_mode_ = url_mode;
}

void client::set_roots(std::vector<root> roots) {
  {
    std::lock_guard lock(mutex_);
    roots_ = std::move(roots);
  }
  bool was_declared = roots_declared_;
  if (!connected_) {
    roots_declared_ = true;
    return;
  }
  if (was_declared) send_notification("notifications/roots/list_changed", {});
}

void client::on_log(log_handler handler) { log_handler_ = std::move(handler); }

void client::on_resource_updated(std::function<void(const std::string&)> handler) {
  resource_updated_handler_ = std::move(handler);
}

void client::on_notification(std::string method, notification_handler handler) {
  notification_handlers_[std::move(method)] = std::move(handler);
}

json::object client::capabilities() const {
  json::object caps;
  if (roots_declared_) caps["roots"] = json::object{{"listChanged", true}};
  if (sampling_handler_) caps["sampling"] = json::object{};
  if (elicitation_handler_) {
    json::object e{{"form", json::object{}}};
    if (elicitation_url_mode_) e["url"] = json::object{};
    caps["elicitation"] = std::move(e);
  }
  for (const auto& [k, v] : options_.extra_capabilities) caps[k] = v;
  return caps;
}

// ---- Lifecycle --------------------------------------------------------------------------------

json::object client::connect() {
  if (closed_) throw client_error(error_kind::not_connected, "client is closed");
  if (started_.exchange(true)) throw client_error(error_kind::transport_error, "client already connected");
  dispatch_thread_ = std::thread([this] { dispatch_loop(); });
  dispatch_thread_id_ = dispatch_thread_.get_id();
  transport_events events;
  events.on_message = [this](jsonrpc::message m) {
    post([this, m = std::move(m)]() mutable { on_message(std::move(m)); });
  };
  events.on_request_failed = [this](const jsonrpc::request_id& id, client_error e) {
    if (!id.is_integer()) return;
    post([this, n = id.as_integer(), e = std::move(e)] { complete(n, nullptr, e); });
  };
  events.on_error = [this](client_error e) {
    post([this, e = std::move(e)] {
      report_error(e);
      // A malformed message may have been the answer to any request in flight: fail them all
      // rather than let them wait for their timeouts.
      if (e.kind() == error_kind::protocol_error) fail_all(e);
    });
  };
  events.on_closed = [this](client_error e) {
    post([this, e = std::move(e)] {
      {
        std::lock_guard lock(mutex_);
        if (!dead_) dead_ = e;
      }
      connected_ = false;
      fail_all(e);
    });
  };
  server_endpoint_ = transport_->endpoint();
  try {
    transport_->start(std::move(events));
    initialize_session();
  } catch (...) {
    close();
    throw;
  }
  std::lock_guard lock(mutex_);
  return initialize_result_;
}

void client::initialize_session() {
  json::object params{{"protocolVersion", options_.protocol_version},
                      {"capabilities", capabilities()},
                      {"clientInfo", options_.info.to_json()}};
  json::value result = request_async("initialize", std::move(params), {}).get();
  if (!result.is_object()) throw client_error(error_kind::protocol_error, "initialize result is not an object");
  const auto& r = result.get_object();
  auto version = get_string(r, "protocolVersion");
  if (!version) throw client_error(error_kind::protocol_error, "initialize result has no protocolVersion");
  if (!protocol::is_supported_version(*version)) {
    throw client_error(error_kind::protocol_error,
                       "the server speaks MCP " + std::string(*version) + ", which this client does not support");
  }
  {
    std::lock_guard lock(mutex_);
    initialize_result_ = r;
    protocol_version_ = std::string(*version);
    if (!initialized_at_) initialized_at_ = std::chrono::steady_clock::now();
  }
  transport_->initialized(*version);
  connected_ = true;
  send_notification("notifications/initialized", {});
}

void client::reinitialize(std::uint64_t generation) {
  std::lock_guard lock(reinit_mutex_);
  if (session_generation_.load() != generation) return;  // another request already did it
  transport_->reset_session();
  initialize_session();
  restore_session_state();
  ++session_generation_;
}

// The server forgot the log level and the subscriptions with the old session; without them the
// new one would silently log at its default level and never report a resource update.
void client::restore_session_state() {
  std::optional<protocol::log_level> level;
  std::vector<std::string> uris;
  {
    std::lock_guard lock(mutex_);
    level = log_level_;
    uris.assign(subscriptions_.begin(), subscriptions_.end());
  }
  if (level) {
    try {
      // Attempt 1: not retried after another re-initialization (this is part of one).
      start_request_future("logging/setLevel", {{"level", protocol::to_string(*level)}}, {}, 1).get();
    } catch (const client_error& e) {
      report_error(client_error(e.kind(), std::string("restoring the log level on the new session: ") + e.what(),
                                e.code()));
    }
  }
  for (const auto& uri : uris) {
    try {
      start_request_future("resources/subscribe", {{"uri", uri}}, {}, 1).get();
    } catch (const client_error& e) {
      // The new session refused it (the resource is gone, say): the client is no longer subscribed.
      if (e.kind() == error_kind::rpc_error) {
        std::lock_guard lock(mutex_);
        subscriptions_.erase(uri);
      }
      report_error(client_error(e.kind(), "restoring the subscription to " + uri + " on the new session: " + e.what(),
                                e.code()));
    }
  }
}


void client::close() {
  if (closed_.exchange(true)) return;
  connected_ = false;
  if (started_) transport_->close();
  if (options_.on_session_end) {
    std::optional<session_end> end;
    {
      std::lock_guard lock(mutex_);
      if (initialized_at_) {
        end = session_end{std::chrono::steady_clock::now() - *initialized_at_, protocol_version_,
                          transport_->name(), server_endpoint_, dead_};
      }
    }
    if (end) options_.on_session_end(*end);
  }
  fail_all(client_error(error_kind::not_connected, "the client was closed"));
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (dispatch_thread_.joinable()) {
    if (std::this_thread::get_id() == dispatch_thread_id_) {
      dispatch_thread_.detach();  // closed from a callback: the loop ends by itself
    } else {
      dispatch_thread_.join();
    }
  }
  // Handlers still running finish here (their answers fail: the transport is closed); a retry
  // queued behind them fails with not_connected.
  workers_->stop();
}

std::string client::protocol_version() const {
  std::lock_guard lock(mutex_);
  return protocol_version_;
}

protocol::implementation client::server_info() const {
  std::lock_guard lock(mutex_);
  if (auto const* info = get_object(initialize_result_, "serverInfo")) return protocol::implementation::from_json(*info);
  return {};
}

json::object client::server_capabilities() const {
  std::lock_guard lock(mutex_);
  if (auto const* caps = get_object(initialize_result_, "capabilities")) return *caps;
  return {};
}

std::optional<std::string> client::instructions() const {
  std::lock_guard lock(mutex_);
  if (auto i = get_string(initialize_result_, "instructions")) return std::string(*i);
  return std::nullopt;
}

bool client::server_supports(std::string_view capability) const {
  return server_capabilities().contains(capability);
}

// ---- Requests ---------------------------------------------------------------------------------

void client::require_not_dispatch_thread(const char* what) const {
  if (std::this_thread::get_id() == dispatch_thread_id_) {
    throw client_error(error_kind::transport_error,
                       std::string(what) + " called from a client callback would deadlock; use the async API there");
  }
}

json::value client::request(const std::string& method, json::object params, const request_options& options) {
  require_not_dispatch_thread(method.c_str());
  return request_async(method, std::move(params), options).get();
}

std::future<json::value> client::request_async(const std::string& method, json::object params,
                                               request_options options) {
  return start_request_future(method, std::move(params), std::move(options), 0);
}

std::future<json::value> client::start_request_future(const std::string& method, json::object params,
                                                      request_options options, int attempt) {
  auto promise = std::make_shared<std::promise<json::value>>();
  auto future = promise->get_future();
  start_request(
      method, std::move(params), std::move(options),
      [promise](json::value result, std::optional<client_error> error) {
        if (error) {
          promise->set_exception(std::make_exception_ptr(*error));
        } else {
          promise->set_value(std::move(result));
        }
      },
      attempt);
  return future;
}

void client::request_async(const std::string& method, json::object params, request_options options,
                           response_callback done) {
  start_request(
      method, std::move(params), std::move(options),
      [done = std::move(done)](json::value result, std::optional<client_error> error) {
        done(std::move(result), as_exception_ptr(error));
      },
      0);
}

void client::start_request(const std::string& method, json::object params, request_options options,
                           request_completion done, int attempt) {
  if (!started_ || closed_) {
    return done(nullptr, client_error(error_kind::not_connected, "the client is not connected"));
  }
  if (options.cancellation && options.cancellation->is_cancelled()) {
    // Cancelled before it started: nothing goes to the server.
    return done(nullptr, client_error(error_kind::cancelled, with_reason("request cancelled before it was sent",
                                                                         options.cancellation->reason())));
  }
  auto p = std::make_shared<pending_request>();
  p->method = method;
  p->options = options;
  p->timeout = options.timeout.value_or(options_.request_timeout);
  p->deadline = std::chrono::steady_clock::now() + p->timeout;
  const bool retry_on_expiry = attempt == 0 && method != "initialize";
  p->done = retry_on_expiry ? retry_after_session_expiry(method, params, options, std::move(done)) : std::move(done);
  std::int64_t id = 0;
  std::optional<client_error> dead;
  {
    std::lock_guard lock(mutex_);
    if (dead_) {
      dead = *dead_;
    } else {
      id = next_id_++;
    }
  }
  if (dead) return p->done(nullptr, std::move(dead));
  json::object wire = wire_params(params, options, id);
  header_list headers;
  if (options_.interceptor) {
    const std::string version = protocol_version(), session = transport_->session_id();
    outgoing_message out{method, jsonrpc::request_id(id), wire, headers, {}, version, session,
                         server_endpoint_ ? &*server_endpoint_ : nullptr};
    options_.interceptor(out);
    p->on_complete = std::move(out.on_complete);
  }
  {
    std::lock_guard lock(mutex_);
    pending_.emplace(id, p);
  }
  post([] {});  // wake the dispatch thread: there is a new deadline
  try {
    send(jsonrpc::request{id, method, std::move(wire)}, headers);
  } catch (const client_error& e) {
    complete(id, nullptr, e);
  }
  // Watched once the request is sent, so that its notifications/cancelled cannot go first.
  if (options.cancellation) cancel_when_requested(id, *p, *options.cancellation);
}

// A session that expired (HTTP 404) is re-initialized once and the request sent again: wraps
// `done` so that a session_expired answer starts that instead of reaching the caller.
client::request_completion client::retry_after_session_expiry(const std::string& method,
                                                              const json::object& params,
                                                              const request_options& options,
                                                              request_completion done) {
  const std::uint64_t generation = session_generation_.load();
  return [this, method, params, options, generation, done = std::move(done)](
             json::value result, std::optional<client_error> error) mutable {
    if (!error || error->kind() != error_kind::session_expired || closed_) {
      return done(std::move(result), std::move(error));
    }
    // Re-initializing waits for the server's answers, which this (the dispatch) thread delivers: a
    // worker does it. Admitted beyond the bound: the retry of a request already in flight.
    auto shared_done = std::make_shared<request_completion>(std::move(done));
    auto retry = [this, method, params = std::move(params), options = std::move(options), generation,
                  shared_done]() mutable {
      if (auto failure = try_reinitialize(generation)) return (*shared_done)(nullptr, std::move(failure));
      start_request(method, std::move(params), std::move(options), std::move(*shared_done), 1);
    };
    if (!workers_->try_post(std::move(retry), detail::worker_pool::admission::always)) {
      (*shared_done)(nullptr, std::move(error));  // closing: the expired session is the answer
    }
  };
}

std::optional<client_error> client::try_reinitialize(std::uint64_t generation) {
  try {
    reinitialize(generation);
    return std::nullopt;
  } catch (const client_error& e) {
    return e;
  } catch (const std::exception& e) {
    return client_error(error_kind::transport_error, std::string("re-initializing the session: ") + e.what());
  }
}

void client::cancel_when_requested(std::int64_t id, pending_request& request, const cancellation_token& token) {
  auto registration =
      token.on_cancel([this, id, token] { post([this, id, token] { cancel_request(id, token.reason()); }); });
  std::lock_guard lock(mutex_);
  if (pending_.contains(id)) request.cancel_registration = std::move(registration);
}

// On the dispatch thread: tells the server (when the request is still in flight) and fails it.
void client::cancel_request(std::int64_t id, const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (!pending_.contains(id)) return;
  }
  json::object cancel_params{{"requestId", id}};
  if (!reason.empty()) cancel_params.emplace("reason", reason);
  try {
    send_notification("notifications/cancelled", std::move(cancel_params));
  } catch (const client_error&) {  // NOLINT(bugprone-empty-catch): the request fails anyway
  }
  complete(id, nullptr, client_error(error_kind::cancelled, with_reason("request cancelled", reason)));
}

void client::complete(std::int64_t id, json::value result, std::optional<client_error> error) {
  std::shared_ptr<pending_request> p;
  core::cancellation_registration registration;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    p = std::move(it->second);
    pending_.erase(it);
    registration = std::move(p->cancel_registration);  // under the lock: start_request may be setting it
    finished_.insert(id);
    finished_order_.push_back(id);
    if (finished_order_.size() > finished_ids_kept) {
      finished_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
  }
  registration = {};
  if (p->on_complete) {
    if (error) {
      p->on_complete(nullptr, &*error);
    } else {
      p->on_complete(&result, nullptr);
    }
  }
  p->done(std::move(result), std::move(error));
}

void client::fail_all(const client_error& error) {
  std::vector<std::int64_t> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, p] : pending_) ids.push_back(id);
  }
  for (auto id : ids) complete(id, nullptr, error);
}

void client::send(const jsonrpc::message& m, const header_list& headers) {
  if (closed_) throw client_error(error_kind::not_connected, "the client is closed");
  transport_->send(m, headers);
}

void client::send_notification(const std::string& method, json::object params) {
  header_list headers;
  if (options_.interceptor) {
    const std::string version = protocol_version(), session = transport_->session_id();
    outgoing_message out{method, std::nullopt, params, headers, {}, version, session,
                         server_endpoint_ ? &*server_endpoint_ : nullptr};
    options_.interceptor(out);
  }
  send(jsonrpc::notification{method, std::move(params)}, headers);
}

void client::notify(const std::string& method, json::object params) { send_notification(method, std::move(params)); }

void client::report_error(const client_error& e) {
  if (options_.on_error) {
    options_.on_error(e);
  } else {
    log::write(log::level::warning, std::string("client: ") + e.what());
  }
}

// ---- Dispatch thread --------------------------------------------------------------------------

void client::post(std::function<void()> job) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(job));
  }
  queue_cv_.notify_one();
}

void client::dispatch_loop() {
  for (;;) {
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, p] : pending_) next = std::min(next, p->deadline);
    }
    std::function<void()> job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait_until(lock, next, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      if (!queue_.empty()) {
        job = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (job) {
      try {
        job();
      } catch (const std::exception& e) {
        report_error(client_error(error_kind::transport_error, std::string("a client callback threw: ") + e.what()));
      } catch (...) {
        report_error(client_error(error_kind::transport_error, "a client callback threw"));
      }
    }
    expire_timeouts();
  }
}

void client::expire_timeouts() {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::int64_t, std::shared_ptr<pending_request>>> expired;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, p] : pending_) {
      if (p->deadline <= now) expired.emplace_back(id, p);
    }
  }
  for (auto& [id, p] : expired) {
    // The client must not cancel initialize; every other request is cancelled on timeout.
    if (p->method != "initialize") {
      try {
        send_notification("notifications/cancelled",
                          {{"requestId", id}, {"reason", "timed out after " + std::to_string(p->timeout.count()) + " ms"}});
      } catch (const client_error&) {  // NOLINT(bugprone-empty-catch): the request fails anyway
      }
    }
    complete(id, nullptr,
             client_error(error_kind::timeout,
                          p->method + " timed out after " + std::to_string(p->timeout.count()) + " ms",
                          jsonrpc::error_codes::request_timeout));
  }
}

// ---- Incoming messages (on the dispatch thread) -----------------------------------------------

void client::on_message(jsonrpc::message m) {
  if (auto* r = std::get_if<jsonrpc::response>(&m)) {
    if (r->id.is_integer()) {
      std::int64_t id = r->id.as_integer();
      bool pending, finished;
      {
        std::lock_guard lock(mutex_);
        pending = pending_.contains(id);
        finished = finished_.contains(id);
      }
      if (pending) return complete(id, std::move(r->result), std::nullopt);
      if (finished) return;  // a late answer to a request that timed out or was cancelled
    }
    client_error e(error_kind::protocol_error,
                   "the server answered request id " + r->id.to_string() + ", which the client did not send");
    report_error(e);
    fail_all(e);
    return;
  }
  if (auto* er = std::get_if<jsonrpc::error_response>(&m)) {
    if (er->id && er->id->is_integer()) {
      std::int64_t id = er->id->as_integer();
      bool pending, finished;
      {
        std::lock_guard lock(mutex_);
        pending = pending_.contains(id);
        finished = finished_.contains(id);
      }
      if (pending) return complete(id, nullptr, client_error::from_rpc(er->error));
      if (finished) return;
    }
    // An error without a usable id: the server could not read one of our messages.
    client_error e(error_kind::protocol_error,
                   "the server reported an error for " +
                       (er->id ? "unknown request id " + er->id->to_string() : std::string("an unidentified message")) +
                       ": " + std::to_string(er->error.code) + " " + er->error.message,
                   er->error.code, er->error.data);
    report_error(e);
    fail_all(e);
    return;
  }
  if (auto* n = std::get_if<jsonrpc::notification>(&m)) return on_notification_message(*n);
  on_server_request(std::move(std::get<jsonrpc::request>(m)));
}

void client::on_notification_message(const jsonrpc::notification& n) {
  const auto& params = n.params;
  if (n.method == "notifications/progress") {
    auto const* token = params.if_contains("progressToken");
    auto const* value = params.if_contains("progress");
    if (!token || !value || !value->is_number()) return;
    auto id = jsonrpc::request_id::from_json(*token);
    if (!id || !id->is_integer()) return;
    std::shared_ptr<pending_request> p;
    {
      std::lock_guard lock(mutex_);
      auto it = pending_.find(id->as_integer());
      if (it == pending_.end()) return;
      p = it->second;
      if (p->options.reset_timeout_on_progress) p->deadline = std::chrono::steady_clock::now() + p->timeout;
    }
    if (!p->options.on_progress) return;
    progress pr;
    pr.progress = value->to_number<double>();
    if (auto const* t = params.if_contains("total"); t && t->is_number()) pr.total = t->to_number<double>();
    if (auto msg = get_string(params, "message")) pr.message = std::string(*msg);
    p->options.on_progress(pr);
    return;
  }
  if (n.method == "notifications/message") {
    if (!log_handler_) return;
    auto level = protocol::parse_log_level(get_string(params, "level").value_or("info"));
    std::optional<std::string> logger;
    if (auto l = get_string(params, "logger")) logger = std::string(*l);
    auto const* data = params.if_contains("data");
    log_handler_(level.value_or(protocol::log_level::info), logger, data ? *data : json::value(nullptr));
    return;
  }
  if (n.method == "notifications/resources/updated") {
    if (auto uri = get_string(params, "uri"); uri && resource_updated_handler_) resource_updated_handler_(std::string(*uri));
    return;
  }
  if (auto it = notification_handlers_.find(n.method); it != notification_handlers_.end()) it->second(params);
}

void client::on_server_request(jsonrpc::request req) {
  if (req.method == "ping") {
    try {
      send(jsonrpc::response{req.id, json::object{}}, {});
    } catch (const client_error&) {  // NOLINT(bugprone-empty-catch): the server is gone
    }
    return;
  }
  server_request_handler handler;
  if (req.method == "sampling/createMessage") {
    handler = sampling_handler_;
  } else if (req.method == "elicitation/create") {
    handler = elicitation_handler_;
  } else if (req.method == "roots/list" && roots_declared_) {
    handler = [this](const json::object&) {
      json::array list;
      std::lock_guard lock(mutex_);
      for (const auto& r : roots_) list.push_back(r.to_json());
      return json::object{{"roots", std::move(list)}};
    };
  }
  if (!handler) {
    try {
      send(jsonrpc::make_error(req.id, jsonrpc::error_codes::method_not_found,
                               "Method not found: the client does not handle " + req.method),
           {});
    } catch (const client_error&) {  // NOLINT(bugprone-empty-catch): the server is gone
    }
    return;
  }
  // Handlers may block (a user answering an elicitation): they run on the workers, never on this
  // thread, which must go on reading. When the workers are saturated the server hears so at once.
  const jsonrpc::request_id id = req.id;
  const std::string method = req.method;
  auto answer = [this, handler = std::move(handler), req = std::move(req)] { answer_server_request(req, handler); };
  if (!workers_->try_post(std::move(answer))) {
    try {
      send(jsonrpc::make_error(id, jsonrpc::error_codes::internal_error,
                               "the client is busy: too many server requests are waiting for a handler (" + method +
                                   " refused)"),
           {});
    } catch (const client_error&) {  // NOLINT(bugprone-empty-catch): the server is gone
    }
  }
}

// On a worker: runs the handler and sends its answer.
void client::answer_server_request(const jsonrpc::request& req, const server_request_handler& handler) {
  if (closed_) return;  // queued before close(): nobody is left to answer
  jsonrpc::message answer;
  try {
    answer = jsonrpc::response{req.id, handler(req.params)};
  } catch (const client_error& e) {
    answer = jsonrpc::make_error(req.id, e.code().value_or(jsonrpc::error_codes::internal_error), e.what(), e.data());
  } catch (const std::exception& e) {
    answer = jsonrpc::make_error(req.id, jsonrpc::error_codes::internal_error, e.what());
  }
  try {
    send(answer, {});
  } catch (const client_error& e) {
    report_error(e);
  }
}

}  // namespace lumen::client
