// Every server feature of MCP 2025-11-25 in one program: typed and raw tools, structured output,
// every content type, resources (static, binary, templated, subscribable), prompts, completion,
// logging, progress, cancellation, and requests back to the client (sampling, elicitation, roots).
// Runs over stdio; the integration tests drive it with the official TypeScript SDK client.
#include <lumen/core/base64.hpp>
#include <lumen/protocol/content.hpp>
#include <lumen/server/typed_tool.hpp>
#include <lumen/telemetry/telemetry.hpp>
#include <lumen/transport/serve.hpp>

#include <boost/describe.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace lumen;
using lumen::server::request_context;
using lumen::protocol::call_tool_result;

struct add_args {
  double a;
  double b;
};
BOOST_DESCRIBE_STRUCT(add_args, (), (a, b))

struct add_output {
  double sum;
};
BOOST_DESCRIBE_STRUCT(add_output, (), (sum))

struct slow_args {
  int steps;
  std::optional<int> step_ms;
};
BOOST_DESCRIBE_STRUCT(slow_args, (), (steps, step_ms))

struct touch_args {
  std::string uri;
};
BOOST_DESCRIBE_STRUCT(touch_args, (), (uri))

// A tiny 1x1 PNG, as bytes.
const std::string png_bytes = [] {
  return *core::base64_decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}();

const std::map<std::string, std::string> notes{
    {"alpha", "First note."}, {"beta", "Second note."}, {"gamma", "Third note."}};

server::completion_values complete_from(const std::vector<std::string>& all, std::string_view prefix) {
  server::completion_values out;
  for (const auto& v : all) {
    if (v.starts_with(prefix)) out.values.push_back(v);
  }
  return out;
}

void add_tools(server::server& srv) {
  srv.add_tool(
      {.name = "add",
       .title = "Add two numbers",
       .description = "Adds a and b and returns the sum as structured content",
       .annotations = {.read_only_hint = true, .idempotent_hint = true}},
      [](const add_args& in) { return add_output{in.a + in.b}; });

  srv.add_tool({.name = "echo",
                .description = "Echoes the `message` argument (raw JSON registration)",
                .input_schema = {{"type", "object"},
                                 {"properties", {{"message", {{"type", "string"}}}}},
                                 {"required", json::array{"message"}}}},
               [](const json::object& args, request_context&) {
                 auto message = get_string(args, "message");
                 if (!message) return protocol::call_tool_result::error("echo needs a string \"message\"");
                 return protocol::call_tool_result::text(*message);
               });

  srv.add_tool({.name = "fail", .description = "Always throws; the error becomes an isError result"},
               [](const json::object&, request_context&) -> protocol::call_tool_result {
                 throw std::runtime_error("the fail tool failed on purpose");
               });

  srv.add_tool({.name = "media", .description = "Returns every content type"},
               [](const json::object&, request_context&) {
                 protocol::call_tool_result r = protocol::call_tool_result::text("All content types follow.");
                 r.add(protocol::image_content(core::base64_encode(png_bytes), "image/png"));
                 r.add(protocol::audio_content(core::base64_encode("RIFF....WAVE"), "audio/wav"));
                 r.add(protocol::resource_link("lumen://readme", "readme", "text/markdown"));
                 r.add(protocol::embedded_resource(protocol::text_resource("lumen://inline", "inline text", "text/plain")));
                 return r;
               });

  srv.add_tool(
      {.name = "slow", .description = "Works for `steps` steps, reporting progress; cancellable"},
      [](const slow_args& in, request_context& ctx) -> protocol::call_tool_result {
        auto step = std::chrono::milliseconds(in.step_ms.value_or(100));
        for (int i = 0; i < in.steps; ++i) {
          if (ctx.cancellation().wait_for(step)) {
            ctx.log(protocol::log_level::info, "slow: cancelled at step " + std::to_string(i));
            return protocol::call_tool_result::error("cancelled");
          }
          ctx.report_progress(i + 1, in.steps, "step " + std::to_string(i + 1));
        }
        ctx.cancellation().wait_for(step);  // wrap-up work after the last progress report
        return protocol::call_tool_result::text("finished " + std::to_string(in.steps) + " steps");
      });

  srv.add_tool({.name = "log_levels", .description = "Logs one message at each of debug, info, warning, error"},
               [](const json::object&, request_context& ctx) {
                 for (auto level : {protocol::log_level::debug, protocol::log_level::info,
                                    protocol::log_level::warning, protocol::log_level::error}) {
                   ctx.log(level, "a " + std::string(protocol::to_string(level)) + " message", "feature_tour");
                 }
                 return protocol::call_tool_result::text("logged");
               });

  srv.add_tool({.name = "ask_llm", .description = "Asks the client's model (sampling) and returns its answer"},
               [](const json::object& args, request_context& ctx) {
                 std::string question(get_string(args, "question").value_or("What is 2+2?"));
                 json::object answer = ctx.create_message(
                     {{"messages", json::array{{{"role", "user"}, {"content", protocol::text_content(question)}}}},
                      {"maxTokens", 100}});
                 auto const* content = get_object(answer, "content");
                 std::string text = content ? std::string(get_string(*content, "text").value_or("")) : "";
                 return protocol::call_tool_result::text("model said: " + text);
               });

  srv.add_tool({.name = "ask_user", .description = "Asks the user for their name (form elicitation)"},
               [](const json::object&, request_context& ctx) {
                 json::object answer = ctx.elicit(
                     {{"message", "What is your name?"},
                      {"requestedSchema",
                       {{"type", "object"},
                        {"properties", {{"name", {{"type", "string"}, {"description", "Your name"}}}}},
                        {"required", json::array{"name"}}}}});
                 std::string action(get_string(answer, "action").value_or(""));
                 if (action != "accept") return protocol::call_tool_result::text("user chose " + action);
                 auto const* content = get_object(answer, "content");
                 return protocol::call_tool_result::text("hello " + std::string(content ? get_string(*content, "name").value_or("") : ""));
               });

  srv.add_tool({.name = "roots", .description = "Lists the client's roots"},
               [](const json::object&, request_context& ctx) {
                 return protocol::call_tool_result::text(json::serialize(ctx.list_roots()));
               });

  srv.add_tool(
      {.name = "touch", .description = "Marks a resource as updated (subscribers are notified)"},
      [&srv](const touch_args& in) {
        srv.notify_resource_updated(in.uri);
        return "touched " + in.uri;
      });
}

void add_resources(server::server& srv) {
  srv.add_resource({.uri = "lumen://readme", .name = "readme", .description = "What this server is",
                    .mime_type = "text/markdown"},
                   [](const std::string& uri, request_context&) {
                     return std::vector<json::object>{
                         protocol::text_resource(uri, "# Feature tour\nEvery MCP server feature.", "text/markdown")};
                   });
  srv.add_resource({.uri = "lumen://logo.png", .name = "logo", .mime_type = "image/png"},
                   [](const std::string& uri, request_context&) {
                     return std::vector<json::object>{protocol::blob_resource(uri, png_bytes, "image/png")};
                   });
  std::vector<std::string> note_ids;
  for (const auto& [id, text] : notes) note_ids.push_back(id);
  srv.add_resource_template(
      {.uri_template = "lumen://notes/{id}", .name = "note", .description = "A note by id", .mime_type = "text/plain"},
      [](const std::string& uri, const server::template_variables& vars, request_context&) {
        auto it = notes.find(vars.at("id"));
        if (it == notes.end()) throw server::resource_not_found(uri);
        return std::vector<json::object>{protocol::text_resource(uri, it->second, "text/plain")};
      },
      {{"id", [note_ids](std::string_view prefix, const server::prompt_arguments&) {
          return complete_from(note_ids, prefix);
        }}});
}

void add_prompts(server::server& srv) {
  srv.add_prompt({.name = "greeting", .description = "A friendly greeting"},
                 [](const server::prompt_arguments&, request_context&) {
                   return server::prompt_result{"A greeting", {{"user", protocol::text_content("Hello there!")}}};
                 });
  srv.add_prompt(
      {.name = "code_review",
       .title = "Review code",
       .description = "Asks for a review of a piece of code",
       .arguments = {{.name = "code", .description = "The code", .required = true},
                     {.name = "language", .description = "Its language"}}},
      [](const server::prompt_arguments& args, request_context&) {
        auto lang = args.contains("language") ? args.at("language") : std::string("unknown");
        return server::prompt_result{
            "Code review request",
            {{"user", protocol::text_content("Please review this " + lang + " code:\n" + args.at("code"))}}};
      },
      {{"language", [](std::string_view prefix, const server::prompt_arguments&) {
          return complete_from({"c", "c++", "go", "python", "rust", "typescript"}, prefix);
        }}});
}

}  // namespace

int main(int argc, char** argv) {
  // stdio unless HTTP options are given
  auto options = transport::parse_serve_options_or_usage(argc, argv, {.stdio = true});
  if (!options) return 2;
  // Tracing by the OpenTelemetry MCP conventions; spans go to OTLP when OTEL_EXPORTER_OTLP_* is set.
  auto tel = telemetry::runtime::create({.service_name = "feature-tour", .service_version = "1.0.0"});
  server::server srv({.name = "feature-tour", .version = "1.0.0", .title = "Lumen feature tour",
                      .icons = {{.src = "https://example.com/lumen.png", .mime_type = "image/png", .sizes = {"48x48"}}}},
                     {.instructions = "A tour of every MCP server feature Lumen implements.",
                      .observer = tel->server_observer()});
  add_tools(srv);
  add_resources(srv);
  add_prompts(srv);
  return transport::serve(srv, *options, tel->http_observer());
}
