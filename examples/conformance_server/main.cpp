// The server the official MCP conformance suite (npm @modelcontextprotocol/conformance) tests:
// every tool, resource, prompt and completion its server scenarios call, with the contents and
// behaviours they check. Serves Streamable HTTP (default) or stdio (--stdio).
//
//   conformance_server --port 0          # prints "listening on http://127.0.0.1:PORT/mcp"
//   npx @modelcontextprotocol/conformance server --url http://127.0.0.1:PORT/mcp --suite all
#include <lumen/core/base64.hpp>
#include <lumen/protocol/content.hpp>
#include <lumen/transport/serve.hpp>
#include <lumen/transport/sse_polling.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace lumen;
using lumen::server::request_context;
using lumen::protocol::call_tool_result;
using namespace std::chrono_literals;

// A 1x1 red PNG and a tiny silent WAV, base64-encoded.
constexpr const char* red_pixel_png =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8AARQMBAX7FS0UAAAAASUVORK5CYII=";
constexpr const char* silent_wav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

json::object no_arguments() { return {{"type", "object"}, {"properties", json::object{}}}; }

json::object string_property(std::string_view description) {
  return {{"type", "string"}, {"description", description}};
}

// "action=accept, content={...}" for an elicitation answer.
std::string describe_elicitation(const json::object& answer) {
  std::string action(get_string(answer, "action").value_or("unknown"));
  const json::object* content = get_object(answer, "content");
  return "action=" + action + ", content=" + (content ? json::serialize(*content) : std::string("{}"));
}

void add_content_tools(server::server& srv) {
  srv.add_tool({.name = "test_simple_text", .description = "Returns one text block", .input_schema = no_arguments()},
               [](const json::object&, request_context&) {
                 return protocol::call_tool_result::text("This is a simple text response for testing.");
               });
  srv.add_tool({.name = "test_image_content", .description = "Returns an image (a 1x1 red PNG)",
                .input_schema = no_arguments()},
               [](const json::object&, request_context&) {
                 protocol::call_tool_result r;
                 r.add(protocol::image_content(red_pixel_png, "image/png"));
                 return r;
               });
  srv.add_tool({.name = "test_audio_content", .description = "Returns audio (a silent WAV)",
                .input_schema = no_arguments()},
               [](const json::object&, request_context&) {
                 protocol::call_tool_result r;
                 r.add(protocol::audio_content(silent_wav, "audio/wav"));
                 return r;
               });
  srv.add_tool({.name = "test_embedded_resource", .description = "Returns an embedded text resource",
                .input_schema = no_arguments()},
               [](const json::object&, request_context&) {
                 protocol::call_tool_result r;
                 r.add(protocol::embedded_resource(protocol::text_resource(
                     "test://embedded-resource", "This is an embedded resource content.", "text/plain")));
                 return r;
               });
  srv.add_tool({.name = "test_multiple_content_types", .description = "Returns text, an image and a resource",
                .input_schema = no_arguments()},
               [](const json::object&, request_context&) {
                 protocol::call_tool_result r = protocol::call_tool_result::text("Multiple content types test:");
                 r.add(protocol::image_content(red_pixel_png, "image/png"));
                 r.add(protocol::embedded_resource(protocol::text_resource(
                     "test://mixed-content-resource", R"({"test":"data","value":123})", "application/json")));
                 return r;
               });
  srv.add_tool({.name = "test_error_handling", .description = "Always fails (isError result)",
                .input_schema = no_arguments()},
               [](const json::object&, request_context&) -> protocol::call_tool_result {
                 throw std::runtime_error("This tool intentionally returns an error for testing");
               });
  srv.add_tool({.name = "json_schema_2020_12_tool",
                .description = "Tool with JSON Schema 2020-12 features",
                .input_schema = json::parse(R"({
                  "$schema": "https://json-schema.org/draft/2020-12/schema",
                  "type": "object",
                  "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                            "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
                  "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                                 "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                                 "phone": {"type": "string"}, "email": {"type": "string"}},
                  "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
                  "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
                  "then": {"required": ["phone"]},
                  "else": {"required": ["email"]},
                  "additionalProperties": false})").as_object()},
               [](const json::object& args, request_context&) {
                 return protocol::call_tool_result::text("received " + json::serialize(args));
               });
}

void add_notifying_tools(server::server& srv) {
  srv.add_tool({.name = "test_tool_with_logging", .description = "Logs three messages while it runs",
                .input_schema = no_arguments()},
               [](const json::object&, request_context& ctx) {
                 ctx.log(protocol::log_level::info, "Tool execution started");
                 std::this_thread::sleep_for(50ms);
                 ctx.log(protocol::log_level::info, "Tool processing data");
                 std::this_thread::sleep_for(50ms);
                 ctx.log(protocol::log_level::info, "Tool execution completed");
                 return protocol::call_tool_result::text("Tool with logging executed successfully");
               });
  srv.add_tool({.name = "test_tool_with_progress", .description = "Reports progress 0, 50 and 100 of 100",
                .input_schema = no_arguments()},
               [](const json::object&, request_context& ctx) {
                 ctx.report_progress(0, 100);
                 std::this_thread::sleep_for(50ms);
                 ctx.report_progress(50, 100);
                 std::this_thread::sleep_for(50ms);
                 ctx.report_progress(100, 100);
                 return protocol::call_tool_result::text("Tool with progress executed successfully");
               });
  srv.add_tool({.name = "test_reconnection",
                .description = "Closes its SSE stream mid-call; the client resumes with GET and Last-Event-ID",
                .input_schema = no_arguments()},
               [](const json::object&, request_context& ctx) {
                 transport::close_sse_stream(ctx);
                 std::this_thread::sleep_for(100ms);  // the result arrives after the client has gone
                 return protocol::call_tool_result::text("Reconnection test completed");
               });
}

void add_client_request_tools(server::server& srv) {
  srv.add_tool({.name = "test_sampling", .description = "Asks the client's model (sampling/createMessage)",
                .input_schema = {{"type", "object"},
                                 {"properties", {{"prompt", string_property("The prompt to send to the LLM")}}},
                                 {"required", json::array{"prompt"}}}},
               [](const json::object& args, request_context& ctx) {
                 std::string prompt(get_string(args, "prompt").value_or(""));
                 json::object answer = ctx.create_message(
                     {{"messages", json::array{{{"role", "user"}, {"content", protocol::text_content(prompt)}}}},
                      {"maxTokens", 100}});
                 const json::object* content = get_object(answer, "content");
                 std::string text(content ? get_string(*content, "text").value_or("") : "");
                 return protocol::call_tool_result::text("LLM response: " + text);
               });
  srv.add_tool({.name = "test_elicitation", .description = "Asks the user for a username and email (elicitation)",
                .input_schema = {{"type", "object"},
                                 {"properties", {{"message", string_property("The message to show the user")}}},
                                 {"required", json::array{"message"}}}},
               [](const json::object& args, request_context& ctx) {
                 json::object answer = ctx.elicit(
                     {{"message", get_string(args, "message").value_or("Please provide your details")},
                      {"requestedSchema",
                       {{"type", "object"},
                        {"properties",
                         {{"username", string_property("User's response")},
                          {"email", string_property("User's email address")}}},
                        {"required", json::array{"username", "email"}}}}});
                 return protocol::call_tool_result::text("User response: " + describe_elicitation(answer));
               });
  srv.add_tool({.name = "test_elicitation_sep1034_defaults",
                .description = "Elicitation whose fields all have defaults (SEP-1034)",
                .input_schema = no_arguments()},
               [](const json::object&, request_context& ctx) {
                 json::object answer = ctx.elicit(
                     {{"message", "Please review your profile (every field has a default)"},
                      {"requestedSchema", json::parse(R"({
                        "type": "object",
                        "properties": {
                          "name": {"type": "string", "description": "User name", "default": "John Doe"},
                          "age": {"type": "integer", "description": "User age", "default": 30},
                          "score": {"type": "number", "description": "User score", "default": 95.5},
                          "status": {"type": "string", "description": "User status",
                                     "enum": ["active", "inactive", "pending"], "default": "active"},
                          "verified": {"type": "boolean", "description": "Verified user", "default": true}}})")}});
                 return protocol::call_tool_result::text("Elicitation completed: " + describe_elicitation(answer));
               });
  srv.add_tool({.name = "test_elicitation_sep1330_enums",
                .description = "Elicitation with every enum form (SEP-1330)",
                .input_schema = no_arguments()},
               [](const json::object&, request_context& ctx) {
                 json::object answer = ctx.elicit(
                     {{"message", "Please pick some options"},
                      {"requestedSchema", json::parse(R"({
                        "type": "object",
                        "properties": {
                          "untitledSingle": {"type": "string", "description": "Untitled single-select",
                                             "enum": ["option1", "option2", "option3"]},
                          "titledSingle": {"type": "string", "description": "Titled single-select",
                                           "oneOf": [{"const": "value1", "title": "First Option"},
                                                     {"const": "value2", "title": "Second Option"},
                                                     {"const": "value3", "title": "Third Option"}]},
                          "legacyEnum": {"type": "string", "description": "Legacy titled enum",
                                         "enum": ["opt1", "opt2", "opt3"],
                                         "enumNames": ["Option One", "Option Two", "Option Three"]},
                          "untitledMulti": {"type": "array", "description": "Untitled multi-select",
                                            "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                          "titledMulti": {"type": "array", "description": "Titled multi-select",
                                          "items": {"anyOf": [{"const": "value1", "title": "First Choice"},
                                                              {"const": "value2", "title": "Second Choice"},
                                                              {"const": "value3", "title": "Third Choice"}]}}}})")}});
                 return protocol::call_tool_result::text("Elicitation completed: " + describe_elicitation(answer));
               });
}

void add_resources(server::server& srv) {
  srv.add_resource({.uri = "test://static-text", .name = "static-text", .description = "A static text resource",
                    .mime_type = "text/plain"},
                   [](const std::string& uri, request_context&) {
                     return std::vector<json::object>{protocol::text_resource(
                         uri, "This is the content of the static text resource.", "text/plain")};
                   });
  srv.add_resource({.uri = "test://static-binary", .name = "static-binary",
                    .description = "A static binary resource (a PNG)", .mime_type = "image/png"},
                   [](const std::string& uri, request_context&) {
                     return std::vector<json::object>{
                         protocol::blob_resource(uri, *core::base64_decode(red_pixel_png), "image/png")};
                   });
  srv.add_resource({.uri = "test://watched-resource", .name = "watched-resource",
                    .description = "A resource clients may subscribe to", .mime_type = "text/plain"},
                   [](const std::string& uri, request_context&) {
                     return std::vector<json::object>{protocol::text_resource(uri, "Watched resource content.", "text/plain")};
                   });
  srv.add_resource_template(
      {.uri_template = "test://template/{id}/data", .name = "template-data",
       .description = "Data for an id", .mime_type = "application/json"},
      [](const std::string& uri, const server::template_variables& vars, request_context&) {
        const std::string& id = vars.at("id");
        json::object data{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
        return std::vector<json::object>{protocol::text_resource(uri, json::serialize(data), "application/json")};
      });
}

void add_prompts(server::server& srv) {
  srv.add_prompt({.name = "test_simple_prompt", .description = "A prompt without arguments"},
                 [](const server::prompt_arguments&, request_context&) {
                   return server::prompt_result{std::nullopt,
                                                {{"user", protocol::text_content("This is a simple prompt for testing.")}}};
                 });
  srv.add_prompt(
      {.name = "test_prompt_with_arguments",
       .description = "A prompt with two arguments",
       .arguments = {{.name = "arg1", .description = "First test argument", .required = true},
                     {.name = "arg2", .description = "Second test argument", .required = true}}},
      [](const server::prompt_arguments& args, request_context&) {
        auto value = [&](const char* name) { return args.contains(name) ? args.at(name) : std::string(); };
        return server::prompt_result{
            std::nullopt,
            {{"user", protocol::text_content("Prompt with arguments: arg1='" + value("arg1") + "', arg2='" +
                                             value("arg2") + "'")}}};
      },
      {{"arg1", [](std::string_view prefix, const server::prompt_arguments&) {
          server::completion_values out;
          for (const char* v : {"paris", "park", "party", "test", "testing"}) {
            if (std::string_view(v).starts_with(prefix)) out.values.emplace_back(v);
          }
          return out;
        }}});
  srv.add_prompt(
      {.name = "test_prompt_with_embedded_resource",
       .description = "A prompt embedding a resource",
       .arguments = {{.name = "resourceUri", .description = "URI of the resource to embed", .required = true}}},
      [](const server::prompt_arguments& args, request_context&) {
        std::string uri = args.contains("resourceUri") ? args.at("resourceUri") : std::string("test://example-resource");
        return server::prompt_result{
            std::nullopt,
            {{"user", protocol::embedded_resource(
                          protocol::text_resource(uri, "Embedded resource content for testing.", "text/plain"))},
             {"user", protocol::text_content("Please process the embedded resource above.")}}};
      });
  srv.add_prompt({.name = "test_prompt_with_image", .description = "A prompt with an image"},
                 [](const server::prompt_arguments&, request_context&) {
                   return server::prompt_result{std::nullopt,
                                                {{"user", protocol::image_content(red_pixel_png, "image/png")},
                                                 {"user", protocol::text_content("Please analyze the image above.")}}};
                 });
}

}  // namespace

int main(int argc, char** argv) {
  server::server srv({.name = "lumen-conformance-server", .version = "1.0.0"});
  add_content_tools(srv);
  add_notifying_tools(srv);
  add_client_request_tools(srv);
  add_resources(srv);
  add_prompts(srv);
  return transport::serve(srv, argc, argv);
}
