// Typed tools: a C++ struct described with Boost.Describe becomes the tool's `inputSchema` and is
// bound from the call's arguments; a described result type becomes `outputSchema` and
// `structuredContent`.
//
//   struct add_args { double a; double b; };
//   BOOST_DESCRIBE_STRUCT(add_args, (), (a, b))
//   lumen::server::add_typed_tool<add_args>(srv, {.name = "add"},
//       [](const add_args& in, request_context&) { return std::to_string(in.a + in.b); });
#pragma once

#include <lumen/server/schema.hpp>
#include <lumen/server/server.hpp>

#include <boost/describe.hpp>

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>

namespace lumen::server {

namespace detail {

template <class F, class Args>
decltype(auto) invoke_typed(F& f, const Args& args, request_context& ctx) {
  if constexpr (std::is_invocable_v<F&, const Args&, request_context&>) {
    return f(args, ctx);
  } else {
    static_assert(std::is_invocable_v<F&, const Args&>,
                  "a typed tool handler takes (const Args&, request_context&) or (const Args&)");
    return f(args);
  }
}

template <class F, class Args>
using typed_result_t = std::decay_t<decltype(invoke_typed(std::declval<F&>(), std::declval<const Args&>(),
                                                          std::declval<request_context&>()))>;

template <class R>
inline constexpr bool is_structured_result_v =
    boost::describe::has_describe_members<R>::value && std::is_class_v<R>;

}  // namespace detail

/// Registers a tool whose arguments bind to `Args` (a Boost.Describe'd struct). The handler
/// returns a protocol::call_tool_result, a std::string (one text block), or a described struct
/// (structured output: `outputSchema` is derived from it and the result carries `structuredContent` plus the
/// same JSON as text). Arguments that do not fit `Args` produce an `isError` result naming the
/// field.
template <class Args, class F>
void add_typed_tool(server& srv, protocol::tool_definition definition, F handler) {
  using result_type = detail::typed_result_t<F, Args>;
  definition.input_schema = json_schema_for<Args>();
  if constexpr (detail::is_structured_result_v<result_type>) {
    if (!definition.output_schema) definition.output_schema = json_schema_for<result_type>();
  }
  std::string name = definition.name;
  srv.add_tool(std::move(definition),
               [handler = std::move(handler), name](const json::object& arguments, request_context& ctx) mutable {
                 Args args;
                 try {
                   args = bind_arguments<Args>(json::value(arguments));
                 } catch (const binding_error& e) {
                   return protocol::call_tool_result::error("Invalid arguments for tool \"" + name + "\": " + e.what());
                 }
                 if constexpr (std::is_same_v<result_type, protocol::call_tool_result>) {
                   return detail::invoke_typed(handler, args, ctx);
                 } else if constexpr (std::is_convertible_v<result_type, std::string>) {
                   return protocol::call_tool_result::text(std::string(detail::invoke_typed(handler, args, ctx)));
                 } else {
                   static_assert(detail::is_structured_result_v<result_type>,
                                 "a typed tool handler returns protocol::call_tool_result, std::string or a described struct");
                   json::value structured = to_json_value(detail::invoke_typed(handler, args, ctx));
                   protocol::call_tool_result r = protocol::call_tool_result::text(json::serialize(structured));
                   r.structured_content = std::move(structured);
                   return r;
                 }
               });
}

}  // namespace lumen::server
