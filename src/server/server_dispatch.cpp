// The server's request methods: tools, resources, prompts, completion and logging.
#include <lumen/server/server.hpp>

#include <lumen/core/base64.hpp>
#include <lumen/protocol/content.hpp>

#include <charconv>
#include <shared_mutex>

namespace lumen::server {

namespace {

constexpr std::string_view cursor_prefix = "lumen-offset:";

std::string encode_cursor(std::size_t offset) {
  return core::base64_encode(std::string(cursor_prefix) + std::to_string(offset));
}

std::size_t decode_cursor(const json::object& params) {
  auto const* c = params.if_contains("cursor");
  if (!c || c->is_null()) return 0;
  auto bad = [] { return invalid_params("Invalid params: \"cursor\" is not a cursor this server issued"); };
  if (!c->is_string()) throw bad();
  auto text = core::base64_decode(c->get_string());
  if (!text || !text->starts_with(cursor_prefix)) throw bad();
  std::size_t offset = 0;
  auto digits = std::string_view(*text).substr(cursor_prefix.size());
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  if (ec != std::errc() || end != digits.data() + digits.size()) throw bad();
  return offset;
}

// One page of a registry listing under `key` (each entry's definition as JSON), with nextCursor
// when more follow; read under the registry's lock.
template <class Entries>
json::object page(std::shared_mutex& registry_mutex, const Entries& entries, const json::object& params,
                  std::size_t page_size, std::string_view key) {
  std::shared_lock lock(registry_mutex);
  std::size_t offset = decode_cursor(params);
  if (offset > entries.size()) throw invalid_params("Invalid params: \"cursor\" is past the end of the list");
  json::array items;
  std::size_t end = std::min(entries.size(), offset + page_size);
  for (std::size_t i = offset; i < end; ++i) items.push_back(entries[i]->definition.to_json());
  json::object result{{key, std::move(items)}};
  if (end < entries.size()) result.emplace("nextCursor", encode_cursor(end));
  return result;
}

std::string required_string(const json::object& params, std::string_view key) {
  auto v = get_string(params, key);
  if (!v) throw invalid_params("Invalid params: \"" + std::string(key) + "\" must be a string");
  return std::string(*v);
}

prompt_arguments string_map(const json::object* o, std::string_view what) {
  prompt_arguments out;
  if (!o) return out;
  for (const auto& [k, v] : *o) {
    if (!v.is_string()) {
      throw invalid_params("Invalid params: " + std::string(what) + " \"" + std::string(k) + "\" must be a string");
    }
    out.emplace(std::string(k), std::string(v.get_string()));
  }
  return out;
}

json::object completion_json(completion_values values) {
  constexpr std::size_t max_values = 100;
  bool truncated = values.values.size() > max_values;
  json::array a;
  for (std::size_t i = 0; i < std::min(values.values.size(), max_values); ++i) a.emplace_back(values.values[i]);
  json::object c{{"values", std::move(a)}};
  if (values.total) {
    c.emplace("total", *values.total);
  } else if (truncated) {
    c.emplace("total", static_cast<std::int64_t>(values.values.size()));
  }
  c.emplace("hasMore", values.has_more || truncated);
  return {{"completion", std::move(c)}};
}

}  // namespace

json::value server::handle(session& s, const jsonrpc::request& req, request_context& ctx) {
  const auto& m = req.method;
  const auto& p = req.params;
  if (m == "tools/list") return page(registry_mutex_, tools_, p, options_.page_size, "tools");
  if (m == "tools/call") return call_tool(p, ctx);
  if (m == "resources/list") return page(registry_mutex_, resources_, p, options_.page_size, "resources");
  if (m == "resources/templates/list") {
    return page(registry_mutex_, templates_, p, options_.page_size, "resourceTemplates");
  }
  if (m == "resources/read") return read_resource(p, ctx);
  if (m == "resources/subscribe" || m == "resources/unsubscribe") {
    std::string uri = required_string(p, "uri");
    std::lock_guard lock(s.mutex_);
    if (m == "resources/subscribe") {
      s.subscriptions_.insert(uri);
    } else {
      s.subscriptions_.erase(uri);
    }
    return json::object{};
  }
  if (m == "prompts/list") return page(registry_mutex_, prompts_, p, options_.page_size, "prompts");
  if (m == "prompts/get") return get_prompt(p, ctx);
  if (m == "completion/complete") return complete(p);
  if (m == "logging/setLevel") {
    auto level = protocol::parse_log_level(required_string(p, "level"));
    if (!level) throw invalid_params("Invalid params: \"level\" must be one of debug, info, notice, warning, error, critical, alert, emergency");
    s.log_level_.store(static_cast<int>(*level));
    return json::object{};
  }
  throw mcp_error(jsonrpc::error_codes::method_not_found, "Method not found: " + m);
}

json::value server::call_tool(const json::object& params, request_context& ctx) {
  std::string name = required_string(params, "name");
  static const json::object no_arguments;
  const json::object* arguments = &no_arguments;  // the request's own object: no copy
  if (auto const* a = params.if_contains("arguments"); a && !a->is_null()) {
    if (!a->is_object()) throw invalid_params("Invalid params: \"arguments\" must be an object");
    arguments = &a->get_object();
  }
  std::shared_ptr<const tool_entry> tool;
  {
    std::shared_lock lock(registry_mutex_);
    for (const auto& e : tools_) {
      if (e->definition.name == name) tool = e;
    }
  }
  if (!tool) throw invalid_params("Unknown tool: " + name);
  try {
    return tool->handler(*arguments, ctx).to_json();
  } catch (const capability_error& e) {
    // The model can act on "the client cannot do X"; it is not a protocol failure of tools/call.
    return protocol::call_tool_result::error(e.what()).to_json();
  } catch (const mcp_error&) {
    throw;
  } catch (const core::operation_cancelled&) {
    throw;
  } catch (const std::exception& e) {
    // A tool's own failure is a tool result the model can see, not a protocol error.
    return protocol::call_tool_result::error("Tool \"" + name + "\" failed: " + e.what()).to_json();
  } catch (...) {
    return protocol::call_tool_result::error("Tool \"" + name + "\" failed with an unknown exception").to_json();
  }
}

json::value server::read_resource(const json::object& params, request_context& ctx) {
  std::string uri = required_string(params, "uri");
  std::shared_ptr<const resource_entry> resource;
  std::shared_ptr<const template_entry> templ;
  template_variables variables;
  {
    std::shared_lock lock(registry_mutex_);
    for (const auto& e : resources_) {
      if (e->definition.uri == uri) resource = e;
    }
    if (!resource) {
      for (const auto& e : templates_) {
        if (auto vars = e->parsed.match(uri)) {
          templ = e;
          variables = std::move(*vars);
          break;
        }
      }
    }
  }
  std::vector<json::object> contents;
  if (resource) {
    contents = resource->reader(uri, ctx);
  } else if (templ) {
    contents = templ->reader(uri, variables, ctx);
  } else {
    throw resource_not_found(uri);
  }
  json::array a;
  for (auto& c : contents) a.push_back(std::move(c));
  return json::object{{"contents", std::move(a)}};
}

json::value server::get_prompt(const json::object& params, request_context& ctx) {
  std::string name = required_string(params, "name");
  std::shared_ptr<const prompt_entry> prompt;
  {
    std::shared_lock lock(registry_mutex_);
    for (const auto& e : prompts_) {
      if (e->definition.name == name) prompt = e;
    }
  }
  if (!prompt) throw invalid_params("Invalid params: unknown prompt \"" + name + "\"");
  auto const* args_value = params.if_contains("arguments");
  if (args_value && !args_value->is_null() && !args_value->is_object()) {
    throw invalid_params("Invalid params: \"arguments\" must be an object");
  }
  auto args = string_map(args_value && args_value->is_object() ? &args_value->get_object() : nullptr, "argument");
  for (const auto& a : prompt->definition.arguments) {
    if (a.required && !args.contains(a.name)) {
      throw invalid_params("Invalid params: prompt \"" + name + "\" needs the argument \"" + a.name + "\"");
    }
  }
  return prompt->handler(args, ctx).to_json();
}

json::value server::complete(const json::object& params) const {
  auto const* ref = get_object(params, "ref");
  auto const* argument = get_object(params, "argument");
  if (!ref || !argument) throw invalid_params("Invalid params: completion needs \"ref\" and \"argument\" objects");
  std::string type = required_string(*ref, "type");
  std::string arg_name = required_string(*argument, "name");
  std::string value = required_string(*argument, "value");
  prompt_arguments context;
  if (auto const* c = get_object(params, "context")) context = string_map(get_object(*c, "arguments"), "context argument");

  completer fn;
  {
    std::shared_lock lock(registry_mutex_);
    if (type == "ref/prompt") {
      std::string name = required_string(*ref, "name");
      auto it = std::find_if(prompts_.begin(), prompts_.end(), [&](const auto& e) { return e->definition.name == name; });
      if (it == prompts_.end()) throw invalid_params("Invalid params: unknown prompt \"" + name + "\"");
      if (auto c = (*it)->completers.find(arg_name); c != (*it)->completers.end()) fn = c->second;
    } else if (type == "ref/resource") {
      std::string uri = required_string(*ref, "uri");
      auto it = std::find_if(templates_.begin(), templates_.end(),
                             [&](const auto& e) { return e->definition.uri_template == uri; });
      if (it == templates_.end()) throw invalid_params("Invalid params: unknown resource template \"" + uri + "\"");
      if (auto c = (*it)->completers.find(arg_name); c != (*it)->completers.end()) fn = c->second;
    } else {
      throw invalid_params("Invalid params: \"ref.type\" must be \"ref/prompt\" or \"ref/resource\"");
    }
  }
  if (!fn) return completion_json({});
  return completion_json(fn(value, context));
}

}  // namespace lumen::server
