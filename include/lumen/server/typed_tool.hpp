// Typed tools: a C++ struct described with Boost.Describe becomes the tool's `inputSchema` and is
// bound from the call's arguments; a described result type becomes `outputSchema` and
// `structuredContent`.
//
//   struct add_args { double a; double b; };
//   BOOST_DESCRIBE_STRUCT(add_args, (), (a, b))
//   srv.add_tool({.name = "add"}, [](const add_args& in) { return std::to_string(in.a + in.b); });
//
// server::add_tool deduces `add_args` from the handler's parameter; add_typed_tool<add_args>
// names it explicitly (for a generic lambda or an overloaded function object).
#pragma once

#include <lumen/server/detail/typed_tool_handler.hpp>
#include <lumen/server/schema.hpp>
#include <lumen/server/server.hpp>

#include <utility>

namespace lumen::server {

/// Registers a tool whose arguments bind to `Args` (a Boost.Describe'd struct). The handler
/// returns a protocol::call_tool_result, a std::string (one text block), or a described struct
/// (structured output: `outputSchema` is derived from it and the result carries `structuredContent` plus the
/// same JSON as text). Arguments that do not fit `Args` produce an `isError` result naming the
/// field.
template <class Args, class F>
void add_typed_tool(server& srv, protocol::tool_definition definition, F handler) {
  auto typed = detail::make_typed_tool_handler<Args>(definition, std::move(handler));
  srv.add_tool(std::move(definition), std::move(typed));
}

}  // namespace lumen::server
