// The MCP server: what it offers (tools, resources, templates, prompts, completions), its
// identity, and the sessions transports connect to it.
//
//   lumen::server::server srv({.name = "hello", .version = "1.0.0"});
//   srv.add_tool({.name = "echo", ...}, [](const json::object& args, request_context& ctx) {...});
//   srv.add_tool({.name = "greet", ...}, [](const greet_args& in) {...});  // typed: typed_tool.hpp
//   lumen::transport::run_stdio(srv);
#pragma once

#include <lumen/json.hpp>
#include <lumen/protocol/types.hpp>
#include <lumen/server/detail/typed_tool_handler.hpp>
#include <lumen/server/errors.hpp>
#include <lumen/server/message_sink.hpp>
#include <lumen/server/observer.hpp>
#include <lumen/server/request_context.hpp>
#include <lumen/server/results.hpp>
#include <lumen/server/session.hpp>
#include <lumen/server/uri_template.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace lumen::server {

/// Handler of a tool registered with raw JSON arguments.
using tool_handler = std::function<protocol::call_tool_result(const json::object& arguments, request_context&)>;
/// Reader of a concrete resource: returns its contents (see protocol::text_resource/blob_resource).
using resource_reader = std::function<std::vector<json::object>(const std::string& uri, request_context&)>;
/// Variables extracted from a URI by a resource template.
using template_variables = std::map<std::string, std::string>;
/// Reader of a templated resource; throw resource_not_found(uri) when it does not exist.
using template_reader = std::function<std::vector<json::object>(
    const std::string& uri, const template_variables& variables, request_context&)>;
/// Prompt arguments by name.
using prompt_arguments = std::map<std::string, std::string>;
/// Handler of a prompt: its messages for the given arguments.
using prompt_handler = std::function<prompt_result(const prompt_arguments& arguments, request_context&)>;
/// Offers completions for one argument given its partial value and the other arguments' values.
using completer = std::function<completion_values(std::string_view value, const prompt_arguments& context)>;

/// Capabilities to declare at initialize even while nothing of their kind is registered. Without
/// them a capability is declared only when something provides it (a tool, a resource or
/// template, a prompt, a completer), so a server that registers tools only at runtime sets
/// `tools` for its clients to list them and to expect notifications/tools/list_changed.
struct declared_capabilities {
  bool tools = false;
  bool resources = false;
  bool prompts = false;
  bool completions = false;
};

/// How a server runs its handlers and what it says about itself.
struct server_options {
  /// Threads that run handlers (tools, resources, prompts, completion), started by the first
  /// request that needs one (a server that only answers initialize and ping starts none) and
  /// joined by shutdown() or the destructor. 0: each handler runs on
  /// the thread that delivered its request (an HTTP io thread, the stdio reader), which saves
  /// two thread hand-offs per request; only for handlers that never block (no sampling,
  /// elicitation or roots requests to the client, no waiting), since a blocked handler stalls
  /// that thread's other connections.
  std::size_t worker_threads = 8;
  /// Items per page of the list methods.
  std::size_t page_size = 100;
  /// Text of the initialize result's `instructions`.
  std::optional<std::string> instructions;
  /// Limits on an incoming message (its size and nesting), checked before it is parsed further.
  jsonrpc::parse_limits limits;
  /// Sees every operation (the telemetry layer installs one); nullptr for none.
  std::shared_ptr<operation_observer> observer;
  /// Capabilities declared regardless of what is registered (see declared_capabilities).
  declared_capabilities always_declare;
};

/// An MCP server: registries of tools, resources, templates and prompts shared by the sessions
/// that transports connect to it.
class server {
 public:
  /// A server named by `info`; starts no thread (see server_options::worker_threads).
  explicit server(protocol::implementation info, server_options options = {});
  /// Closes every session and joins the worker threads.
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The name and version sent in the initialize result.
  const protocol::implementation& info() const noexcept { return info_; }
  /// The options the server was built with.
  const server_options& options() const noexcept { return options_; }

  // ---- Tools -------------------------------------------------------------------------------
  /// Registers (or replaces) a tool; sessions get notifications/tools/list_changed.
  void add_tool(protocol::tool_definition definition, tool_handler handler);
  /// Registers (or replaces) a typed tool whose arguments bind to the Boost.Describe'd struct the
  /// handler takes first: `srv.add_tool({.name = "greet"}, [](const greet_args& in) {...})`.
  /// The struct becomes `inputSchema`; see add_typed_tool (typed_tool.hpp) for what the handler
  /// may return and for naming the struct explicitly.
  template <class F>
    requires detail::typed_tool_handler<F>
  void add_tool(protocol::tool_definition definition, F handler) {
    auto typed = detail::make_typed_tool_handler<detail::handler_argument_t<F>>(definition, std::move(handler));
    add_tool(std::move(definition), tool_handler(std::move(typed)));
  }
  /// Removes a tool; true when it existed.
  bool remove_tool(const std::string& name);

  // ---- Resources ---------------------------------------------------------------------------
  /// Registers (or replaces) a concrete resource; sessions get notifications/resources/list_changed.
  void add_resource(protocol::resource_definition definition, resource_reader reader);
  /// Removes a resource; true when it existed.
  bool remove_resource(const std::string& uri);
  /// Registers a resource template (RFC 6570 level 1) and, optionally, completers for its variables.
  void add_resource_template(protocol::resource_template_definition definition, template_reader reader,
                             std::map<std::string, completer> completers = {});
  /// Tells every session subscribed to `uri` that it changed.
  void notify_resource_updated(const std::string& uri);

  // ---- Prompts -----------------------------------------------------------------------------
  /// Registers (or replaces) a prompt and, optionally, completers for its arguments; sessions get
  /// notifications/prompts/list_changed.
  void add_prompt(protocol::prompt_definition definition, prompt_handler handler,
                  std::map<std::string, completer> completers = {});
  /// Removes a prompt; true when it existed.
  bool remove_prompt(const std::string& name);

  // ---- Sessions ----------------------------------------------------------------------------
  /// Creates a session whose outgoing messages go to `sink`. `id` is the transport's session id
  /// (empty for stdio).
  std::shared_ptr<session> connect(std::shared_ptr<message_sink> sink, std::string id = {});
  /// Sends a notification to every initialized session (session::notify sends to one).
  void notify(const std::string& method, json::object params = {});
  /// Sends a log message to every initialized session (each applies its own level).
  void log(protocol::log_level level, json::value data, std::optional<std::string> logger = std::nullopt);
  /// Closes every session and stops the worker pool (waits for running handlers).
  void shutdown();

  /// The capabilities the server declares now: what is registered, plus
  /// server_options::always_declare, plus `logging` always (every handler may log through its
  /// request_context, server::log reaches every session, and logging/setLevel is always served).
  json::object capabilities() const;

 private:
  friend class session;
  struct tool_entry {
    protocol::tool_definition definition;
    tool_handler handler;
  };
  struct resource_entry {
    protocol::resource_definition definition;
    resource_reader reader;
  };
  struct template_entry {
    protocol::resource_template_definition definition;
    uri_template parsed;
    template_reader reader;
    std::map<std::string, completer> completers;
  };
  struct prompt_entry {
    protocol::prompt_definition definition;
    prompt_handler handler;
    std::map<std::string, completer> completers;
  };

  // Called by sessions (definitions in server_dispatch.cpp).
  json::value handle(session& s, const jsonrpc::request& req, request_context& ctx);
  json::value call_tool(const json::object& params, request_context& ctx);
  json::value read_resource(const json::object& params, request_context& ctx);
  json::value get_prompt(const json::object& params, request_context& ctx);
  json::value complete(const json::object& params) const;
  // Runs `job` on a worker (starting the pool on first use), or inline without workers.
  void post(std::function<void()> job);
  std::vector<std::shared_ptr<session>> live_sessions();

  protocol::implementation info_;
  server_options options_;
  struct worker_pool;
  // The pool is built by the first post(); `workers_` publishes it to later posts without the
  // mutex, and `pool_closed_` (shutdown) stops a new one from starting.
  std::mutex pool_mutex_;
  std::unique_ptr<worker_pool> pool_;
  std::atomic<worker_pool*> workers_{nullptr};
  bool pool_closed_ = false;

  mutable std::shared_mutex registry_mutex_;
  std::vector<std::shared_ptr<const tool_entry>> tools_;
  std::vector<std::shared_ptr<const resource_entry>> resources_;
  std::vector<std::shared_ptr<const template_entry>> templates_;
  std::vector<std::shared_ptr<const prompt_entry>> prompts_;

  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<session>> sessions_;
};

}  // namespace lumen::server
