// Typed tools' machinery: turns a handler of a Boost.Describe'd argument struct into a raw tool
// handler, and deduces that struct from the handler's first parameter (server::add_tool).
#pragma once

#include <lumen/json.hpp>
#include <lumen/protocol/types.hpp>
#include <lumen/server/request_context.hpp>
#include <lumen/server/results.hpp>
#include <lumen/server/schema.hpp>

#include <boost/describe/members.hpp>

#include <functional>
#include <string>
#include <type_traits>
#include <utility>

namespace lumen::server::detail {

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

// The first parameter of a function type, a function pointer or a member function pointer
// (a lambda's operator()); no `type` for anything else (generic lambdas, overloaded calls).
template <class Signature>
struct first_parameter {};
template <class R, class A, class... Rest>
struct first_parameter<R(A, Rest...)> {
  using type = A;
};
template <class R, class A, class... Rest>
struct first_parameter<R(A, Rest...) noexcept> : first_parameter<R(A, Rest...)> {};
template <class R, class... P>
struct first_parameter<R (*)(P...)> : first_parameter<R(P...)> {};
template <class R, class... P>
struct first_parameter<R (*)(P...) noexcept> : first_parameter<R(P...)> {};
template <class R, class C, class... P>
struct first_parameter<R (C::*)(P...)> : first_parameter<R(P...)> {};
template <class R, class C, class... P>
struct first_parameter<R (C::*)(P...) const> : first_parameter<R(P...)> {};
template <class R, class C, class... P>
struct first_parameter<R (C::*)(P...) noexcept> : first_parameter<R(P...)> {};
template <class R, class C, class... P>
struct first_parameter<R (C::*)(P...) const noexcept> : first_parameter<R(P...)> {};

template <class F, class = void>
struct callable_first_parameter : first_parameter<F> {};
template <class F>
struct callable_first_parameter<F, std::void_t<decltype(&F::operator())>> : first_parameter<decltype(&F::operator())> {};

// The argument struct a handler takes, without reference or const.
template <class F>
using handler_argument_t = std::remove_cvref_t<typename callable_first_parameter<std::decay_t<F>>::type>;

// A handler whose first parameter is a described struct: its tool is typed.
template <class F>
concept typed_tool_handler = requires { typename handler_argument_t<F>; } &&
                             std::is_class_v<handler_argument_t<F>> &&
                             boost::describe::has_describe_members<handler_argument_t<F>>::value;

// Sets `definition`'s inputSchema (and outputSchema, for a described result) and returns the raw
// handler that binds the call's arguments to `Args` and converts what `handler` returns.
template <class Args, class F>
std::function<protocol::call_tool_result(const json::object&, request_context&)> make_typed_tool_handler(
    protocol::tool_definition& definition, F handler) {
  using result_type = typed_result_t<F, Args>;
  definition.input_schema = json_schema_for<Args>();
  if constexpr (is_structured_result_v<result_type>) {
    if (!definition.output_schema) definition.output_schema = json_schema_for<result_type>();
  }
  return [handler = std::move(handler), name = definition.name](const json::object& arguments,
                                                                 request_context& ctx) mutable {
    Args args;
    try {
      args = bind_arguments<Args>(json::value(arguments));
    } catch (const binding_error& e) {
      return protocol::call_tool_result::error("Invalid arguments for tool \"" + name + "\": " + e.what());
    }
    if constexpr (std::is_same_v<result_type, protocol::call_tool_result>) {
      return invoke_typed(handler, args, ctx);
    } else if constexpr (std::is_convertible_v<result_type, std::string>) {
      return protocol::call_tool_result::text(std::string(invoke_typed(handler, args, ctx)));
    } else {
      static_assert(is_structured_result_v<result_type>,
                    "a typed tool handler returns protocol::call_tool_result, std::string or a described struct");
      json::value structured = to_json_value(invoke_typed(handler, args, ctx));
      protocol::call_tool_result r = protocol::call_tool_result::text(json::serialize(structured));
      r.structured_content = std::move(structured);
      return r;
    }
  };
}

}  // namespace lumen::server::detail
