// JSON forms of handler results.
#include <lumen/server/results.hpp>

namespace lumen::server {

json::object prompt_result::to_json() const {
  json::object o;
  if (description) o.emplace("description", *description);
  json::array a;
  for (const auto& m : messages) a.push_back(m.to_json());
  o.emplace("messages", std::move(a));
  return o;
}

}  // namespace lumen::server
