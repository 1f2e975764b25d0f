// The MCP features on top of the client's generic requests: ping, tools, resources, prompts,
// completion, logging.
#include <lumen/client/client.hpp>

#include <set>
#include <stdexcept>

namespace lumen::client {

namespace {

json::object expect_object(const json::value& v, const std::string& method) {
  if (!v.is_object()) throw client_error(error_kind::protocol_error, method + " result is not an object");
  return v.get_object();
}

json::object paged_params(const std::optional<std::string>& cursor) {
  json::object params;
  if (cursor) params.emplace("cursor", *cursor);
  return params;
}

}  // namespace

void client::ping(const request_options& options) { request("ping", {}, options); }

json::array client::list_all(const std::string& method, const std::string& key, const request_options& options) {
  json::array all;
  std::optional<std::string> cursor;
  std::set<std::string> seen;
  for (;;) {
    json::object page = expect_object(request(method, paged_params(cursor), options), method);
    auto const* items = page.if_contains(key);
    if (!items || !items->is_array()) {
      throw client_error(error_kind::protocol_error, method + " result has no \"" + key + "\" array");
    }
    for (const auto& item : items->get_array()) all.push_back(item);
    auto next = get_string(page, "nextCursor");
    if (!next) return all;
    if (!seen.insert(std::string(*next)).second) {
      throw client_error(error_kind::protocol_error, method + ": the server repeated cursor \"" + std::string(*next) + "\"");
    }
    cursor = std::string(*next);
  }
}

json::object client::list_tools(std::optional<std::string> cursor, const request_options& options) {
  return expect_object(request("tools/list", paged_params(cursor), options), "tools/list");
}

json::array client::list_all_tools(const request_options& options) { return list_all("tools/list", "tools", options); }

namespace {

// The protocol type reports a malformed result as std::invalid_argument; the client's callers
// get a client_error, as for every other protocol violation.
protocol::call_tool_result parse_call_tool_result(const json::value& result) {
  try {
    return protocol::call_tool_result::from_json(result);
  } catch (const std::invalid_argument& e) {
    throw client_error(error_kind::protocol_error, e.what());
  }
}

}  // namespace

protocol::call_tool_result client::call_tool(const std::string& name, json::object arguments,
                                             const request_options& options) {
  return parse_call_tool_result(
      request("tools/call", {{"name", name}, {"arguments", std::move(arguments)}}, options));
}

std::future<protocol::call_tool_result> client::call_tool_async(const std::string& name, json::object arguments,
                                                                request_options options) {
  auto promise = std::make_shared<std::promise<protocol::call_tool_result>>();
  auto future = promise->get_future();
  request_async("tools/call", {{"name", name}, {"arguments", std::move(arguments)}}, std::move(options),
                [promise](json::value result, std::exception_ptr error) {
                  if (error) return promise->set_exception(error);
                  try {
                    promise->set_value(parse_call_tool_result(result));
                  } catch (...) {
                    promise->set_exception(std::current_exception());
                  }
                });
  return future;
}

json::object client::list_resources(std::optional<std::string> cursor, const request_options& options) {
  return expect_object(request("resources/list", paged_params(cursor), options), "resources/list");
}

json::array client::list_all_resources(const request_options& options) {
  return list_all("resources/list", "resources", options);
}

json::object client::list_resource_templates(std::optional<std::string> cursor, const request_options& options) {
  return expect_object(request("resources/templates/list", paged_params(cursor), options), "resources/templates/list");
}

json::array client::list_all_resource_templates(const request_options& options) {
  return list_all("resources/templates/list", "resourceTemplates", options);
}

json::object client::read_resource(const std::string& uri, const request_options& options) {
  return expect_object(request("resources/read", {{"uri", uri}}, options), "resources/read");
}

void client::subscribe(const std::string& uri, const request_options& options) {
  request("resources/subscribe", {{"uri", uri}}, options);
  std::lock_guard lock(mutex_);
  subscriptions_.insert(uri);
}

void client::unsubscribe(const std::string& uri, const request_options& options) {
  request("resources/unsubscribe", {{"uri", uri}}, options);
  std::lock_guard lock(mutex_);
  subscriptions_.erase(uri);
}

json::object client::list_prompts(std::optional<std::string> cursor, const request_options& options) {
  return expect_object(request("prompts/list", paged_params(cursor), options), "prompts/list");
}

json::array client::list_all_prompts(const request_options& options) {
  return list_all("prompts/list", "prompts", options);
}

json::object client::get_prompt(const std::string& name, const std::map<std::string, std::string>& arguments,
                                const request_options& options) {
  json::object params{{"name", name}};
  if (!arguments.empty()) {
    json::object args;
    for (const auto& [k, v] : arguments) args.emplace(k, v);
    params.emplace("arguments", std::move(args));
  }
  return expect_object(request("prompts/get", std::move(params), options), "prompts/get");
}

json::object client::complete(json::object ref, const std::string& argument, const std::string& value,
                              const std::map<std::string, std::string>& context, const request_options& options) {
  json::object params{{"ref", std::move(ref)}, {"argument", {{"name", argument}, {"value", value}}}};
  if (!context.empty()) {
    json::object args;
    for (const auto& [k, v] : context) args.emplace(k, v);
    params.emplace("context", json::object{{"arguments", std::move(args)}});
  }
  json::object result = expect_object(request("completion/complete", std::move(params), options), "completion/complete");
  auto const* completion = get_object(result, "completion");
  if (!completion) throw client_error(error_kind::protocol_error, "completion/complete result has no \"completion\"");
  return *completion;
}

void client::set_log_level(protocol::log_level level, const request_options& options) {
  request("logging/setLevel", {{"level", protocol::to_string(level)}}, options);
  std::lock_guard lock(mutex_);
  log_level_ = level;
}

}  // namespace lumen::client
