// Scope selection and merging.
#include <lumen/client/oauth/scope.hpp>

#include <algorithm>

namespace lumen::client::oauth {

namespace {

std::vector<std::string_view> split_scopes(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto start = s.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    auto end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    pos = end;
  }
  return out;
}

}  // namespace

std::optional<std::string> select_scope(std::string_view challenge_scope,
                                        const std::optional<std::vector<std::string>>& scopes_supported) {
  if (!split_scopes(challenge_scope).empty()) return merge_scopes(challenge_scope, "");
  if (!scopes_supported || scopes_supported->empty()) return std::nullopt;
  std::string all;
  for (const auto& s : *scopes_supported) all = merge_scopes(all, s);
  if (all.empty()) return std::nullopt;
  return all;
}

std::string merge_scopes(std::string_view a, std::string_view b) {
  std::vector<std::string_view> seen;
  std::string out;
  for (auto list : {a, b}) {
    for (auto scope : split_scopes(list)) {
      if (std::find(seen.begin(), seen.end(), scope) != seen.end()) continue;
      seen.push_back(scope);
      if (!out.empty()) out += ' ';
      out += scope;
    }
  }
  return out;
}

}  // namespace lumen::client::oauth
