// server_dispatch.cpp: the request methods as a client sees them through a session: listings
// (order and cursor pagination), tools/call, resources/read, prompts/get, completion/complete
// and logging/setLevel, with their errors.
#include <lumen/core/base64.hpp>
#include <lumen/jsonrpc/message.hpp>
#include <lumen/protocol/content.hpp>
#include <lumen/server/server.hpp>

#include "../../support/capture_sink.hpp"
#include "../../support/session_driver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lumen::server {
namespace {

using test::is_method;
using test::rpc_error_code;
using test::session_driver;
namespace codes = jsonrpc::error_codes;

tool_handler text_tool(std::string text) {
  return [text](const json::object&, request_context&) { return protocol::call_tool_result::text(text); };
}

// Every page of listing `method` under `key`: the names (or uris) in order, and the page count.
struct listing {
  std::vector<std::string> names;
  int pages = 0;
};
listing list_all(session_driver& client, std::string_view method, std::string_view key, std::string_view field) {
  listing out;
  json::object params;
  for (;;) {
    auto r = client.result(method, params);
    ++out.pages;
    for (const auto& item : r.at(key).as_array()) out.names.emplace_back(item.at(field).as_string());
    if (!r.contains("nextCursor")) return out;
    params = {{"cursor", r.at("nextCursor")}};
  }
}

class ServerDispatch : public ::testing::Test {
 protected:
  static server_options options() {
    server_options o;
    o.page_size = 2;
    return o;
  }
  server srv_{{.name = "dispatch", .version = "1"}, options()};
};

// ---- Listings ---------------------------------------------------------------------------------

TEST_F(ServerDispatch, ToolsListPagesInRegistrationOrder) {
  for (auto name : {"zeta", "alpha", "mid", "beta", "omega"}) srv_.add_tool({.name = name}, text_tool(name));
  session_driver client(srv_);
  auto all = list_all(client, "tools/list", "tools", "name");
  EXPECT_EQ(all.names, (std::vector<std::string>{"zeta", "alpha", "mid", "beta", "omega"}));
  EXPECT_EQ(all.pages, 3) << "page_size 2: 2 + 2 + 1";
}

TEST_F(ServerDispatch, AnExactlyFullLastPageHasNoNextCursor) {
  for (auto name : {"a", "b", "c", "d"}) srv_.add_tool({.name = name}, text_tool(name));
  session_driver client(srv_);
  EXPECT_EQ(list_all(client, "tools/list", "tools", "name").pages, 2);
  server empty({.name = "e", .version = "1"});
  session_driver none(empty);
  auto r = none.result("tools/list");
  EXPECT_TRUE(r.at("tools").as_array().empty());
  EXPECT_FALSE(r.contains("nextCursor"));
}

TEST_F(ServerDispatch, CursorsTheServerDidNotIssueAreInvalidParams) {
  for (auto name : {"a", "b", "c"}) srv_.add_tool({.name = name}, text_tool(name));
  session_driver client(srv_);
  EXPECT_EQ(rpc_error_code(client.call("tools/list", {{"cursor", "not-base64!"}})), codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("tools/list", {{"cursor", 3}})), codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("tools/list", {{"cursor", core::base64_encode("other:2")}})),
            codes::invalid_params);
  auto issued = client.result("tools/list").at("nextCursor");
  EXPECT_EQ(client.result("tools/list", {{"cursor", issued}}).at("tools").as_array().size(), 1u);
  // A cursor past the end (the list shrank below it) is refused, not answered with an empty page.
  EXPECT_TRUE(srv_.remove_tool("c"));
  EXPECT_TRUE(srv_.remove_tool("b"));
  EXPECT_EQ(rpc_error_code(client.call("tools/list", {{"cursor", issued}})), codes::invalid_params);
}

TEST_F(ServerDispatch, ResourcesTemplatesAndPromptsAreListedAndPaged) {
  auto reader = [](const std::string& uri, request_context&) {
    return std::vector<json::object>{protocol::text_resource(uri, "t")};
  };
  auto template_reader_fn = [](const std::string&, const template_variables&, request_context&) {
    return std::vector<json::object>{};
  };
  for (auto uri : {"mem://1", "mem://2", "mem://3"}) srv_.add_resource({.uri = uri, .name = uri}, reader);
  for (auto t : {"a://{x}", "b://{x}", "c://{x}"}) srv_.add_resource_template({.uri_template = t, .name = t}, template_reader_fn);
  for (auto p : {"p1", "p2", "p3"}) {
    srv_.add_prompt({.name = p}, [](const prompt_arguments&, request_context&) { return prompt_result{}; });
  }
  session_driver client(srv_);
  auto resources = list_all(client, "resources/list", "resources", "uri");
  EXPECT_EQ(resources.names, (std::vector<std::string>{"mem://1", "mem://2", "mem://3"}));
  EXPECT_EQ(resources.pages, 2);
  auto templates = list_all(client, "resources/templates/list", "resourceTemplates", "uriTemplate");
  EXPECT_EQ(templates.names, (std::vector<std::string>{"a://{x}", "b://{x}", "c://{x}"}));
  auto prompts = list_all(client, "prompts/list", "prompts", "name");
  EXPECT_EQ(prompts.names, (std::vector<std::string>{"p1", "p2", "p3"}));
  EXPECT_EQ(prompts.pages, 2);
}

// ---- tools/call -------------------------------------------------------------------------------

TEST_F(ServerDispatch, ToolsCallErrors) {
  srv_.add_tool({.name = "echo"}, [](const json::object& args, request_context&) {
    return protocol::call_tool_result::text(args.empty() ? "(none)" : json::serialize(args));
  });
  session_driver client(srv_);
  auto unknown = client.call("tools/call", {{"name", "nope"}});
  EXPECT_EQ(rpc_error_code(unknown), codes::invalid_params);
  EXPECT_NE(std::string(unknown.at("error").at("message").as_string()).find("nope"), std::string::npos);
  EXPECT_EQ(rpc_error_code(client.call("tools/call")), codes::invalid_params) << "no name";
  EXPECT_EQ(rpc_error_code(client.call("tools/call", {{"name", 5}})), codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("tools/call", {{"name", "echo"}, {"arguments", "text"}})), codes::invalid_params);
  // Absent or null arguments are an empty object.
  EXPECT_EQ(client.result("tools/call", {{"name", "echo"}}).at("content").at(0).at("text"), "(none)");
  EXPECT_EQ(client.result("tools/call", {{"name", "echo"}, {"arguments", nullptr}}).at("content").at(0).at("text"),
            "(none)");
}

TEST_F(ServerDispatch, AToolsOwnFailureIsAnIsErrorResultAndAMissingClientCapabilityToo) {
  srv_.add_tool({.name = "throws"}, [](const json::object&, request_context&) -> protocol::call_tool_result {
    throw std::runtime_error("disk full");
  });
  srv_.add_tool({.name = "throws_int"}, [](const json::object&, request_context&) -> protocol::call_tool_result { throw 42; });
  srv_.add_tool({.name = "samples"}, [](const json::object&, request_context& ctx) {
    ctx.create_message({});
    return protocol::call_tool_result::text("unreachable");
  });
  session_driver client(srv_);
  auto failed = client.result("tools/call", {{"name", "throws"}});
  EXPECT_TRUE(failed.at("isError").as_bool());
  EXPECT_NE(std::string(failed.at("content").at(0).at("text").as_string()).find("disk full"), std::string::npos);
  EXPECT_TRUE(client.result("tools/call", {{"name", "throws_int"}}).at("isError").as_bool());
  auto no_sampling = client.result("tools/call", {{"name", "samples"}});
  EXPECT_TRUE(no_sampling.at("isError").as_bool()) << "the driver declared no sampling capability";
}

// ---- resources/read ---------------------------------------------------------------------------

TEST_F(ServerDispatch, ResourcesReadServesResourcesThenTemplatesElseMinus32002) {
  srv_.add_resource({.uri = "mem://fixed", .name = "fixed"}, [](const std::string& uri, request_context&) {
    return std::vector<json::object>{protocol::text_resource(uri, "fixed text")};
  });
  srv_.add_resource_template({.uri_template = "users://{id}/profile", .name = "profile"},
                             [](const std::string& uri, const template_variables& vars, request_context&) {
                               if (vars.at("id") == "ghost") throw resource_not_found(uri);
                               return std::vector<json::object>{protocol::text_resource(uri, "user " + vars.at("id"))};
                             });
  session_driver client(srv_);
  auto fixed = client.result("resources/read", {{"uri", "mem://fixed"}});
  EXPECT_EQ(fixed.at("contents").at(0).at("text"), "fixed text");
  auto user = client.result("resources/read", {{"uri", "users://42/profile"}});
  EXPECT_EQ(user.at("contents").at(0).at("text"), "user 42");
  EXPECT_EQ(user.at("contents").at(0).at("uri"), "users://42/profile");

  for (auto uri : {"mem://missing", "users://ghost/profile"}) {
    auto missing = client.call("resources/read", {{"uri", uri}});
    EXPECT_EQ(rpc_error_code(missing), codes::resource_not_found) << uri;
    EXPECT_EQ(missing.at("error").at("data").at("uri"), uri);
  }
  EXPECT_EQ(rpc_error_code(client.call("resources/read")), codes::invalid_params) << "no uri";
}

// ---- prompts/get ------------------------------------------------------------------------------

TEST_F(ServerDispatch, PromptsGetPassesArgumentsAndChecksRequiredOnes) {
  srv_.add_prompt({.name = "review", .arguments = {{.name = "code", .required = true}, {.name = "style"}}},
                  [](const prompt_arguments& args, request_context&) {
                    prompt_result r;
                    r.description = "review";
                    std::string style = args.contains("style") ? args.at("style") : "plain";
                    r.messages.push_back({"user", protocol::text_content("Review (" + style + "): " + args.at("code"))});
                    return r;
                  });
  session_driver client(srv_);
  auto got = client.result("prompts/get", {{"name", "review"}, {"arguments", {{"code", "x = 1"}}}});
  EXPECT_EQ(got.at("description"), "review");
  EXPECT_EQ(got.at("messages").at(0).at("role"), "user");
  EXPECT_EQ(got.at("messages").at(0).at("content").at("text"), "Review (plain): x = 1");

  EXPECT_EQ(rpc_error_code(client.call("prompts/get", {{"name", "review"}})), codes::invalid_params)
      << "the required argument is missing";
  EXPECT_EQ(rpc_error_code(client.call("prompts/get", {{"name", "review"}, {"arguments", {{"code", 1}}}})),
            codes::invalid_params)
      << "prompt arguments are strings";
  EXPECT_EQ(rpc_error_code(client.call("prompts/get", {{"name", "review"}, {"arguments", "x"}})), codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("prompts/get", {{"name", "absent"}})), codes::invalid_params);
}

// ---- completion/complete ----------------------------------------------------------------------

TEST_F(ServerDispatch, CompletionServesPromptAndTemplateCompletersWithTheirContext) {
  auto languages = [](std::string_view value, const prompt_arguments& context) {
    completion_values out;
    for (std::string lang : {"c", "cpp", "python"}) {
      if (lang.starts_with(value)) out.values.push_back(lang);
    }
    if (context.contains("framework")) out.values.push_back("with " + context.at("framework"));
    return out;
  };
  srv_.add_prompt({.name = "p", .arguments = {{.name = "lang"}, {.name = "other"}}},
                  [](const prompt_arguments&, request_context&) { return prompt_result{}; }, {{"lang", languages}});
  srv_.add_resource_template({.uri_template = "repo://{owner}", .name = "repo"},
                             [](const std::string&, const template_variables&, request_context&) {
                               return std::vector<json::object>{};
                             },
                             {{"owner", [](std::string_view, const prompt_arguments&) {
                                 return completion_values{.values = {"lumen"}, .total = 10, .has_more = true};
                               }}});
  session_driver client(srv_);
  auto prompt_ref = json::object{{"type", "ref/prompt"}, {"name", "p"}};
  auto c = client.result("completion/complete", {{"ref", prompt_ref}, {"argument", {{"name", "lang"}, {"value", "c"}}}})
               .at("completion");
  EXPECT_EQ(c.at("values"), (json::array{"c", "cpp"}));
  EXPECT_FALSE(c.at("hasMore").as_bool());
  auto with_context = client.result("completion/complete", {{"ref", prompt_ref},
                                                            {"argument", {{"name", "lang"}, {"value", "py"}}},
                                                            {"context", {{"arguments", {{"framework", "qt"}}}}}});
  EXPECT_EQ(with_context.at("completion").at("values"), (json::array{"python", "with qt"}));

  auto owner = client.result("completion/complete", {{"ref", {{"type", "ref/resource"}, {"uri", "repo://{owner}"}}},
                                                     {"argument", {{"name", "owner"}, {"value", ""}}}})
                   .at("completion");
  EXPECT_EQ(owner.at("values"), (json::array{"lumen"}));
  EXPECT_EQ(owner.at("total").as_int64(), 10);
  EXPECT_TRUE(owner.at("hasMore").as_bool());

  // An argument without a completer has no suggestions; an unknown reference is an error.
  auto none = client.result("completion/complete", {{"ref", prompt_ref}, {"argument", {{"name", "other"}, {"value", "x"}}}});
  EXPECT_TRUE(none.at("completion").at("values").as_array().empty());
  EXPECT_EQ(rpc_error_code(client.call("completion/complete", {{"ref", {{"type", "ref/resource"}, {"uri", "nope://{x}"}}},
                                                               {"argument", {{"name", "x"}, {"value", ""}}}})),
            codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("completion/complete", {{"ref", {{"type", "ref/other"}}},
                                                               {"argument", {{"name", "x"}, {"value", ""}}}})),
            codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("completion/complete", {{"ref", prompt_ref}})), codes::invalid_params)
      << "no argument";
}

// ---- logging/setLevel -------------------------------------------------------------------------

TEST_F(ServerDispatch, LoggingSetLevelChangesWhatTheSessionIsSent) {
  session_driver client(srv_);
  auto logged = [](const json::object& o) { return is_method(o, "notifications/message"); };
  srv_.log(protocol::log_level::info, "before");
  EXPECT_EQ(client.sink().count(logged), 1u) << "info passes the default level";

  EXPECT_TRUE(client.result("logging/setLevel", {{"level", "error"}}).empty());
  EXPECT_EQ(client.session().log_level(), protocol::log_level::error);
  srv_.log(protocol::log_level::warning, "filtered");
  srv_.log(protocol::log_level::critical, "passes");
  EXPECT_EQ(client.sink().count(logged), 2u);
  auto last = client.sink().entries().back().message;
  EXPECT_EQ(last.at("params").at("level"), "critical");
  EXPECT_EQ(last.at("params").at("data"), "passes");

  EXPECT_EQ(rpc_error_code(client.call("logging/setLevel", {{"level", "loud"}})), codes::invalid_params);
  EXPECT_EQ(rpc_error_code(client.call("logging/setLevel")), codes::invalid_params);
  EXPECT_EQ(client.session().log_level(), protocol::log_level::error) << "a refused level changes nothing";
}

TEST_F(ServerDispatch, UnknownMethodsAreMethodNotFound) {
  session_driver client(srv_);
  EXPECT_EQ(rpc_error_code(client.call("tools/explode")), codes::method_not_found);
}

}  // namespace
}  // namespace lumen::server
