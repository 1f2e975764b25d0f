// Propagators: W3C Trace Context (traceparent, tracestate) and W3C Baggage over text-map
// carriers — HTTP headers, a JSON object such as MCP `params._meta`, and the environment
// (TRACEPARENT, TRACESTATE, BAGGAGE).
#pragma once

#include <lumen/json.hpp>
#include <lumen/trace/baggage.hpp>
#include <lumen/trace/span_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lumen::trace {

/// Where propagated fields are read from and written to.
class text_map_carrier {
 public:
  virtual ~text_map_carrier() = default;
  /// The field's value; several values of one field (HTTP headers) joined with ",".
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  /// How many values the field has (more than one traceparent makes it invalid).
  virtual std::size_t count(std::string_view key) const { return get(key) ? 1 : 0; }
  virtual void set(std::string_view key, std::string value) = 0;
};

/// HTTP header fields (names case-insensitive).
class header_carrier : public text_map_carrier {
 public:
  explicit header_carrier(std::vector<std::pair<std::string, std::string>>& headers) : headers_(headers) {}
  std::optional<std::string> get(std::string_view key) const override;
  std::size_t count(std::string_view key) const override;
  void set(std::string_view key, std::string value) override;

 private:
  std::vector<std::pair<std::string, std::string>>& headers_;
};

/// A JSON object, e.g. MCP `params._meta` (only string members are read; other members are kept).
class json_carrier : public text_map_carrier {
 public:
  explicit json_carrier(json::object& object) : object_(&object), const_object_(&object) {}
  explicit json_carrier(const json::object& object) : const_object_(&object) {}
  std::optional<std::string> get(std::string_view key) const override;
  void set(std::string_view key, std::string value) override;

 private:
  json::object* object_ = nullptr;
  const json::object* const_object_;
};

/// Environment variables: keys are upper-cased (traceparent -> TRACEPARENT). set() records
/// values for a child process in `assignments`, it does not change this process's environment.
class environment_carrier : public text_map_carrier {
 public:
  std::optional<std::string> get(std::string_view key) const override;
  void set(std::string_view key, std::string value) override;
  std::vector<std::pair<std::string, std::string>> assignments;
};

/// What a propagator extracts.
struct extracted_context {
  span_context span;  // invalid when absent or invalid
  trace::baggage baggage;
};

class propagator {
 public:
  virtual ~propagator() = default;
  virtual void extract(const text_map_carrier& carrier, extracted_context& into) const = 0;
  virtual void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) const = 0;
};

/// traceparent + tracestate (several traceparent fields, or an invalid one: treated as absent).
class trace_context_propagator : public propagator {
 public:
  void extract(const text_map_carrier& carrier, extracted_context& into) const override;
  void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) const override;
};

class baggage_propagator : public propagator {
 public:
  void extract(const text_map_carrier& carrier, extracted_context& into) const override;
  void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) const override;
};

/// Runs several propagators in order.
class composite_propagator : public propagator {
 public:
  explicit composite_propagator(std::vector<std::shared_ptr<const propagator>> parts) : parts_(std::move(parts)) {}
  void extract(const text_map_carrier& carrier, extracted_context& into) const override;
  void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier) const override;

 private:
  std::vector<std::shared_ptr<const propagator>> parts_;
};

/// From OTEL_PROPAGATORS (default "tracecontext,baggage"; "none" propagates nothing).
std::shared_ptr<const propagator> propagator_from_environment();
/// tracecontext + baggage.
std::shared_ptr<const propagator> default_propagator();

/// Convenience: extract with the default propagator.
extracted_context extract(const text_map_carrier& carrier);
/// Convenience: inject with the default propagator.
void inject(const span_context& span, const baggage& bag, text_map_carrier& carrier);

}  // namespace lumen::trace
