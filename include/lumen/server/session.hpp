// One MCP session: the lifecycle state, negotiated version and capabilities of one client, the
// requests in flight, and the server-to-client requests awaiting answers.
#pragma once

#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/jsonrpc/parse.hpp>
#include <lumen/protocol/types.hpp>
#include <lumen/core/cancellation.hpp>
#include <lumen/server/message_sink.hpp>
#include <lumen/server/observer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>

namespace lumen::server {

class server;

/// Result of a server-to-client request: the result value or the client's error.
using client_response = std::variant<json::value, jsonrpc::error_object>;

class session : public std::enable_shared_from_this<session> {
 public:
  /// Use server::connect() to create sessions.
  explicit session(server& owner, std::shared_ptr<message_sink> sink, std::string id);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Feeds one incoming message text (stdio line or HTTP body). Never throws; protocol errors are
  /// answered through the sink. `origin` says where it came from (transport, ambient trace context).
  void receive(std::string_view text, const inbound_context& origin = {});
  /// Feeds one already-parsed message.
  void receive(jsonrpc::message message, const inbound_context& origin = {});

  /// Marks the session initialized without an initialize request, at protocol revision `version`
  /// (stateless HTTP: every POST is served by a fresh session).
  void assume_initialized(std::string version, json::object client_capabilities = {});
  /// Marks a session that serves one stateless request (an initialize included): it is not a
  /// session in the protocol's sense, so its end is not reported as one.
  void mark_ephemeral() noexcept { ephemeral_.store(true); }

  /// Cancels every request in flight and waits until their handlers return (at most `grace`).
  /// Pending server-to-client requests fail. Further input is ignored.
  void close(std::chrono::milliseconds grace = std::chrono::seconds(5));
  /// Waits until no handler runs (at most `timeout`); true when idle.
  bool wait_idle(std::chrono::milliseconds timeout) const;

  const std::string& id() const noexcept { return id_; }
  /// The transport's sink this session writes to (a transport finds its own per-session state
  /// through it, e.g. the HTTP stream of a request); valid while the session lives.
  message_sink* sink() const noexcept { return sink_.get(); }
  bool is_initialized() const noexcept { return state_.load() != state::awaiting_initialize; }
  bool is_closed() const noexcept { return state_.load() == state::closed; }
  /// The negotiated protocol revision (empty before initialize).
  std::string protocol_version() const;
  /// How the initialize request arrived (nullopt before it).
  std::optional<lumen::server::network_transport> network_transport() const;
  /// The client's `clientInfo` and `capabilities` from initialize.
  protocol::implementation client_info() const;
  json::object client_capabilities() const;
  bool client_supports(std::string_view capability) const;

  /// Current logging threshold (logging/setLevel).
  protocol::log_level log_level() const noexcept { return static_cast<protocol::log_level>(log_level_.load()); }
  bool is_subscribed(const std::string& uri) const;

  /// Sends a notification to the client.
  void notify(const std::string& method, json::object params, const outgoing_context& context = {});
  /// Sends a log message notification when `level` passes the threshold.
  void log(protocol::log_level level, json::value data, std::optional<std::string> logger = std::nullopt,
           const outgoing_context& context = {});
  /// Sends a request to the client and waits for its answer. Throws mcp_error on timeout,
  /// core::operation_cancelled when `cancel` fires, capability checks are the caller's.
  client_response request(const std::string& method, json::object params,
                          std::chrono::milliseconds timeout, const outgoing_context& context = {},
                          const core::cancellation_token* cancel = nullptr, const operation_scope* parent = nullptr);

  /// Number of handlers running (for tests and graceful shutdown).
  std::size_t in_flight() const;

 private:
  enum class state { awaiting_initialize, initialized, closed };
  // The responses to the requests of one JSON-RPC batch (2025-03-26), sent together as one
  // array once every element has been answered (session.cpp).
  struct batch_reply;
  struct in_flight_request {
    core::cancellation_source source;
    std::shared_ptr<operation_scope> scope;
    std::shared_ptr<batch_reply> batch;  // null for a request that arrived alone
  };
  struct pending_request {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<client_response> result;
  };

  void handle_request(jsonrpc::request req, const inbound_context& origin,
                      std::shared_ptr<batch_reply> batch = nullptr);
  void handle_notification(const jsonrpc::notification& n, const inbound_context& origin);
  void handle_response(const jsonrpc::request_id& id, client_response result);
  void handle_batch(const jsonrpc::batch& b, const inbound_context& origin);
  void run_handler(jsonrpc::request req, std::shared_ptr<in_flight_request> entry);
  void answer_inline(const jsonrpc::request& req, const jsonrpc::message& answer, operation_scope* scope,
                     const std::shared_ptr<batch_reply>& batch);
  // Sends `answer` (when not null) alone, or adds it to `batch` and sends the batch's array when
  // it was the last one awaited.
  void deliver(const std::shared_ptr<batch_reply>& batch, const jsonrpc::message* answer,
               const outgoing_context& context);
  json::value dispatch(const jsonrpc::request& req, core::cancellation_token token);
  json::object handle_initialize(const json::object& params);
  void send_message(const jsonrpc::message& m, const outgoing_context& context);
  void handler_finished();
  // Tells the observer an initialized session ended (once).
  void report_session_end();

  server& server_;
  std::shared_ptr<message_sink> sink_;
  std::string id_;
  std::atomic<state> state_{state::awaiting_initialize};
  std::atomic<int> log_level_{static_cast<int>(protocol::log_level::info)};

  mutable std::mutex mutex_;
  mutable std::condition_variable idle_cv_;
  std::string protocol_version_;
  protocol::implementation client_info_;
  json::object client_capabilities_;
  std::set<std::string> subscriptions_;
  std::unordered_map<jsonrpc::request_id, std::shared_ptr<in_flight_request>> in_flight_;
  std::size_t running_handlers_ = 0;
  std::unordered_map<std::int64_t, std::shared_ptr<pending_request>> pending_;
  std::int64_t next_outgoing_id_ = 0;
  // Copied at construction: the session's end is also reported from its destructor, which may
  // run after the server is gone.
  std::shared_ptr<operation_observer> observer_;
  std::optional<std::chrono::steady_clock::time_point> initialized_at_;
  std::atomic<bool> ephemeral_{false};
  std::optional<lumen::server::network_transport> network_transport_;

  friend class server;
};

}  // namespace lumen::server
