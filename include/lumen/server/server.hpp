// The MCP server: what it offers (tools, resources, templates, prompts, completions), its
// identity, and the sessions transports connect to it.
//
//   lumen::server::server srv({.name = "hello", .version = "1.0.0"});
//   srv.add_tool({.name = "echo", ...}, [](const json::object& args, request_context& ctx) {...});
//   lumen::transport::run_stdio(srv);
#pragma once

#include <lumen/json.hpp>
#include <lumen/protocol/types.hpp>
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
#include <memory>
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
using prompt_handler = std::function<prompt_result(const prompt_arguments& arguments, request_context&)>;
/// Offers completions for one argument given its partial value and the other arguments' values.
using completer = std::function<completion_values(std::string_view value, const prompt_arguments& context)>;

struct server_options {
  /// Threads that run handlers (tools, resources, prompts, completion). 0: each handler runs on
  /// the thread that delivered its request (an HTTP io thread, the stdio reader), which saves
  /// two thread hand-offs per request; only for handlers that never block (no sampling,
  /// elicitation or roots requests to the client, no waiting), since a blocked handler stalls
  /// that thread's other connections.
  std::size_t worker_threads = 8;
  /// Items per page of the list methods.
  std::size_t page_size = 100;
  /// Text of the initialize result's `instructions`.
  std::optional<std::string> instructions;
  jsonrpc::parse_limits limits;
  /// Sees every operation (the telemetry layer installs one); nullptr for none.
  std::shared_ptr<operation_observer> observer;
};

class server {
 public:
  explicit server(protocol::implementation info, server_options options = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  const protocol::implementation& info() const noexcept { return info_; }
  const server_options& options() const noexcept { return options_; }

  // ---- Tools -------------------------------------------------------------------------------
  /// Registers (or replaces) a tool; sessions get notifications/tools/list_changed.
  void add_tool(protocol::tool_definition definition, tool_handler handler);
  /// Removes a tool; true when it existed.
  bool remove_tool(const std::string& name);

  // ---- Resources ---------------------------------------------------------------------------
  void add_resource(protocol::resource_definition definition, resource_reader reader);
  bool remove_resource(const std::string& uri);
  /// Registers a resource template (RFC 6570 level 1) and, optionally, completers for its variables.
  void add_resource_template(protocol::resource_template_definition definition, template_reader reader,
                             std::map<std::string, completer> completers = {});
  /// Tells every session subscribed to `uri` that it changed.
  void notify_resource_updated(const std::string& uri);

  // ---- Prompts -----------------------------------------------------------------------------
  void add_prompt(protocol::prompt_definition definition, prompt_handler handler,
                  std::map<std::string, completer> completers = {});
  bool remove_prompt(const std::string& name);

  // ---- Sessions ----------------------------------------------------------------------------
  /// Creates a session whose outgoing messages go to `sink`. `id` is the transport's session id
  /// (empty for stdio).
  std::shared_ptr<session> connect(std::shared_ptr<message_sink> sink, std::string id = {});
  /// Sends a log message to every initialized session (each applies its own level).
  void log(protocol::log_level level, json::value data, std::optional<std::string> logger = std::nullopt);
  /// Closes every session and stops the worker pool (waits for running handlers).
  void shutdown();

  /// The capabilities the server declares.
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
  json::value list_tools(const json::object& params) const;
  json::value call_tool(const json::object& params, request_context& ctx);
  json::value list_resources(const json::object& params) const;
  json::value list_resource_templates(const json::object& params) const;
  json::value read_resource(const json::object& params, request_context& ctx);
  json::value list_prompts(const json::object& params) const;
  json::value get_prompt(const json::object& params, request_context& ctx);
  json::value complete(const json::object& params) const;
  void post(std::function<void()> job);
  void broadcast(const std::string& method);
  std::vector<std::shared_ptr<session>> live_sessions();

  protocol::implementation info_;
  server_options options_;
  struct worker_pool;
  std::unique_ptr<worker_pool> pool_;

  mutable std::shared_mutex registry_mutex_;
  std::vector<std::shared_ptr<const tool_entry>> tools_;
  std::vector<std::shared_ptr<const resource_entry>> resources_;
  std::vector<std::shared_ptr<const template_entry>> templates_;
  std::vector<std::shared_ptr<const prompt_entry>> prompts_;

  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<session>> sessions_;
};

}  // namespace lumen::server
