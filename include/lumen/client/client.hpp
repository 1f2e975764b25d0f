// The MCP client: connects to one server over a transport (stdio or Streamable HTTP), negotiates
// the protocol revision, and offers every client-side feature of MCP 2025-11-25 with a
// synchronous API (throws client_error) and an asynchronous one (futures or callbacks).
//
//   lumen::client::client c(std::make_unique<lumen::client::stdio_transport>(
//       lumen::client::stdio_options{.command = {"./my_server"}}));
//   c.connect();
//   for (const auto& tool : c.list_all_tools()) ...
//   auto result = c.call_tool("add", {{"a", 1}, {"b", 2}});
#pragma once

#include <lumen/client/errors.hpp>
#include <lumen/client/transport.hpp>
#include <lumen/core/cancellation.hpp>
#include <lumen/json.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/protocol/call_tool_result.hpp>
#include <lumen/protocol/types.hpp>
#include <lumen/protocol/version.hpp>
#include <lumen/version.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lumen::client {

namespace detail {
class worker_pool;
}  // namespace detail

/// Cancellation of a request: keep the source, pass its token in request_options. (The same
/// cooperative cancellation type the server uses.)
using cancellation_source = core::cancellation_source;
using cancellation_token = core::cancellation_token;

/// One notifications/progress for a request.
struct progress {
  double progress = 0;
  std::optional<double> total;
  std::optional<std::string> message;
};
using progress_callback = std::function<void(const progress&)>;

/// Per-request settings.
struct request_options {
  /// Overrides client_options::request_timeout.
  std::optional<std::chrono::milliseconds> timeout;
  /// Called for each progress notification (a progressToken is sent when set).
  progress_callback on_progress;
  /// Each progress notification restarts the timeout.
  bool reset_timeout_on_progress = false;
  /// Cancelling it sends notifications/cancelled and fails the request with error_kind::cancelled.
  std::optional<cancellation_token> cancellation;
  /// Extra members for `params._meta`.
  json::object meta;
};

/// What a request interceptor sees just before a message is sent: telemetry injects trace
/// context into `params._meta` and `headers`, and may set `on_complete` to learn the outcome.
struct outgoing_message {
  std::string_view method;
  /// The request id; nullopt for notifications.
  std::optional<jsonrpc::request_id> id;
  json::object& params;
  header_list& headers;
  /// Called once with the result (error == nullptr) or the error (result == nullptr).
  std::function<void(const json::value* result, const client_error* error)> on_complete;
  /// The session: the negotiated revision (empty until initialize is answered), the transport's
  /// session id (HTTP's Mcp-Session-Id, when there is one), and where the server is (HTTP).
  std::string_view protocol_version;
  std::string_view session_id;
  const server_endpoint* server = nullptr;
};
using request_interceptor = std::function<void(outgoing_message&)>;

/// How a client session ended (for mcp.client.session.duration).
struct session_end {
  /// From the initialize answer to close().
  std::chrono::steady_clock::duration duration{};
  std::string protocol_version;
  /// The transport's name: "stdio" or "http".
  std::string_view transport;
  std::optional<server_endpoint> server;
  /// Why the connection was lost before close() (the server died, a transport failure), if it was.
  std::optional<client_error> error;
};

/// Settings of a client: identity, revision, timeouts, hooks, and its worker threads.
struct client_options {
  protocol::implementation info{.name = "lumen-client", .version = std::string(lumen::version)};
  /// The revision asked for in initialize; the server's answer must be one Lumen supports.
  std::string protocol_version{protocol::latest_version};
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);
  /// Called before each outgoing request and notification (see outgoing_message).
  request_interceptor interceptor;
  /// Called once by close() when the session had been initialized.
  std::function<void(const session_end&)> on_session_end;
  /// Failures not tied to a request (malformed server output, a lost notification). Default:
  /// written to stderr.
  std::function<void(const client_error&)> on_error;
  /// Merged into the declared capabilities (e.g. `experimental`).
  json::object extra_capabilities;
  /// Threads that run server-to-client request handlers and session re-initializations (at least
  /// one); started when the first such job arrives, joined by close().
  std::size_t worker_threads = 2;
  /// Server-to-client requests that may wait for a busy worker; a request beyond that bound is
  /// answered at once with a JSON-RPC error rather than queued.
  std::size_t worker_queue_limit = 16;
};

/// A root the client exposes (roots/list).
struct root {
  std::string uri;  // file:// URI
  std::optional<std::string> name;
  json::object to_json() const;
};

/// Handlers of server-to-client requests: each gets the request's params and returns the result
/// object; throw client_error (with a code) or any exception to answer with an error. They run on
/// the client's worker threads (client_options::worker_threads) and may block (e.g. waiting for
/// the user), but a blocked handler holds a worker: when every worker is busy and
/// worker_queue_limit requests wait, the next one is refused with a JSON-RPC error.
using sampling_handler = std::function<json::object(const json::object& params)>;
using elicitation_handler = std::function<json::object(const json::object& params)>;
/// notifications/message.
using log_handler = std::function<void(protocol::log_level level, const std::optional<std::string>& logger,
                                       const json::value& data)>;
using notification_handler = std::function<void(const json::object& params)>;
/// Completion of an asynchronous request: the result, or an exception (client_error).
using response_callback = std::function<void(json::value result, std::exception_ptr error)>;

/// An MCP client session with one server.
///
/// Threads: the transport's reader threads hand every message to one dispatch thread, which runs
/// the callbacks (progress, logs, notifications, async completions) in order. Handlers of
/// server-to-client requests, and the re-initialization of an expired session before a retry,
/// can block, so they run on a small pool of worker threads the client owns (started on first use,
/// bounded by client_options::worker_threads and worker_queue_limit). close() and the destructor
/// stop the transport, then join the dispatch thread and the workers, waiting for handlers still
/// running; no thread of the client outlives it (except one that closes it from inside a callback
/// or handler, which is detached and must not touch the client afterwards).
class client {
 public:
  explicit client(std::unique_ptr<lumen::client::transport> transport, client_options options = {});
  /// Closes the connection.
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // ---- Handlers (register before connect(); they decide the declared capabilities) ----------
  void set_sampling_handler(sampling_handler handler);
  /// `url_mode`: also declare URL-mode elicitation.
  void set_elicitation_handler(elicitation_handler handler, bool url_mode = false);
  /// Sets the roots (declares `roots` with listChanged); after connect() the server is told.
  void set_roots(std::vector<root> roots);
  void on_log(log_handler handler);
  /// notifications/resources/updated for subscribed resources.
  void on_resource_updated(std::function<void(const std::string& uri)> handler);
  /// Any other notification (e.g. notifications/tools/list_changed).
  void on_notification(std::string method, notification_handler handler);

  // Callbacks (log, notifications, async completions) run on the client's dispatch thread, in
  // the order the server sent them. They must not block, and must not call synchronous client
  // methods (those throw client_error there); use the async API from callbacks.

  // ---- Lifecycle ----------------------------------------------------------------------------
  /// Starts the transport and initializes; returns the initialize result. Throws client_error.
  json::object connect();
  /// Ends the session (HTTP: DELETE; stdio: ends the process). Requests in flight fail.
  void close();
  bool is_connected() const noexcept { return connected_.load(); }

  /// The negotiated revision, the server's identity, capabilities and instructions.
  std::string protocol_version() const;
  protocol::implementation server_info() const;
  json::object server_capabilities() const;
  std::optional<std::string> instructions() const;
  bool server_supports(std::string_view capability) const;
  lumen::client::transport& transport() noexcept { return *transport_; }

  // ---- Generic requests ---------------------------------------------------------------------
  json::value request(const std::string& method, json::object params = {}, const request_options& options = {});
  std::future<json::value> request_async(const std::string& method, json::object params = {},
                                         request_options options = {});
  void request_async(const std::string& method, json::object params, request_options options,
                     response_callback done);
  void notify(const std::string& method, json::object params = {});

  // ---- Features -----------------------------------------------------------------------------
  void ping(const request_options& options = {});

  /// One page of tools/list (the raw result: `tools`, `nextCursor`).
  json::object list_tools(std::optional<std::string> cursor = std::nullopt, const request_options& options = {});
  /// Every tool, following nextCursor.
  json::array list_all_tools(const request_options& options = {});
  protocol::call_tool_result call_tool(const std::string& name, json::object arguments = {},
                             const request_options& options = {});
  std::future<protocol::call_tool_result> call_tool_async(const std::string& name, json::object arguments = {},
                                                request_options options = {});

  json::object list_resources(std::optional<std::string> cursor = std::nullopt, const request_options& options = {});
  json::array list_all_resources(const request_options& options = {});
  json::object list_resource_templates(std::optional<std::string> cursor = std::nullopt,
                                       const request_options& options = {});
  json::array list_all_resource_templates(const request_options& options = {});
  /// resources/read: the raw result (`contents`).
  json::object read_resource(const std::string& uri, const request_options& options = {});
  /// resources/subscribe. The client remembers the URI: when it re-initializes a session the
  /// server has forgotten (HTTP 404), it subscribes again on the new session.
  void subscribe(const std::string& uri, const request_options& options = {});
  void unsubscribe(const std::string& uri, const request_options& options = {});

  json::object list_prompts(std::optional<std::string> cursor = std::nullopt, const request_options& options = {});
  json::array list_all_prompts(const request_options& options = {});
  /// prompts/get: the raw result (`description`, `messages`).
  json::object get_prompt(const std::string& name, const std::map<std::string, std::string>& arguments = {},
                          const request_options& options = {});

  /// completion/complete for a prompt argument (`ref` = {"type":"ref/prompt","name":...}) or a
  /// template variable (`ref` = {"type":"ref/resource","uri":...}); returns `completion`.
  json::object complete(json::object ref, const std::string& argument, const std::string& value,
                        const std::map<std::string, std::string>& context = {}, const request_options& options = {});
  static json::object prompt_ref(const std::string& name) { return {{"type", "ref/prompt"}, {"name", name}}; }
  static json::object resource_ref(const std::string& uri) { return {{"type", "ref/resource"}, {"uri", uri}}; }

  /// logging/setLevel; set again on a re-initialized session, like subscriptions.
  void set_log_level(protocol::log_level level, const request_options& options = {});

 private:
  struct pending_request;
  /// How a request ends inside the client: its result, or the error (no exception to rethrow).
  using request_completion = std::function<void(json::value result, std::optional<client_error> error)>;
  void start_request(const std::string& method, json::object params, request_options options,
                     request_completion done, int attempt);
  request_completion retry_after_session_expiry(const std::string& method, const json::object& params,
                                                const request_options& options, request_completion done);
  std::optional<client_error> try_reinitialize(std::uint64_t generation);
  void cancel_when_requested(std::int64_t id, pending_request& request, const cancellation_token& token);
  void cancel_request(std::int64_t id, const std::string& reason);
  void complete(std::int64_t id, json::value result, std::optional<client_error> error);
  void fail_all(const client_error& error);
  void initialize_session();
  void reinitialize(std::uint64_t generation);
  void restore_session_state();
  std::future<json::value> start_request_future(const std::string& method, json::object params,
                                                request_options options, int attempt);
  json::object capabilities() const;
  json::array list_all(const std::string& method, const std::string& key, const request_options& options);
  void send(const jsonrpc::message& m, const header_list& headers);
  void send_notification(const std::string& method, json::object params);
  void post(std::function<void()> job);
  void dispatch_loop();
  void expire_timeouts();
  void on_message(jsonrpc::message m);
  void on_notification_message(const jsonrpc::notification& n);
  void on_server_request(jsonrpc::request req);
  using server_request_handler = std::function<json::object(const json::object& params)>;
  void answer_server_request(const jsonrpc::request& req, const server_request_handler& handler);
  void report_error(const client_error& e);
  void require_not_dispatch_thread(const char* what) const;

  std::unique_ptr<lumen::client::transport> transport_;
  client_options options_;

  // Handlers.
  sampling_handler sampling_handler_;
  elicitation_handler elicitation_handler_;
  bool elicitation_url_mode_ = false;
  bool roots_declared_ = false;
  log_handler log_handler_;
  std::function<void(const std::string&)> resource_updated_handler_;
  std::map<std::string, notification_handler> notification_handlers_;

  std::atomic<bool> started_{false};
  std::atomic<bool> connected_{false};
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> session_generation_{0};
  std::mutex reinit_mutex_;

  mutable std::mutex mutex_;  // guards everything below up to the dispatch queue
  std::vector<root> roots_;
  json::object initialize_result_;
  std::string protocol_version_;
  std::optional<std::chrono::steady_clock::time_point> initialized_at_;
  std::optional<server_endpoint> server_endpoint_;  // the transport's, read at connect()
  std::optional<client_error> dead_;  // why the connection ended
  // Session state the client set, which a re-initialized session must be given again.
  std::set<std::string> subscriptions_;
  std::optional<protocol::log_level> log_level_;
  std::int64_t next_id_ = 0;
  std::map<std::int64_t, std::shared_ptr<pending_request>> pending_;
  std::set<std::int64_t> finished_;  // recently finished ids (late answers are ignored)
  std::deque<std::int64_t> finished_order_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread dispatch_thread_;
  std::thread::id dispatch_thread_id_;

  std::unique_ptr<detail::worker_pool> workers_;
};

}  // namespace lumen::client
