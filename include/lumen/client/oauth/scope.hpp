// Scope selection (MCP authorization, "Scope Selection Strategy" and step-up).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::client::oauth {

/// The scope to request: the challenge's scope when it has one; else every scope of the Protected
/// Resource Metadata's scopes_supported; else none (the scope parameter is omitted).
std::optional<std::string> select_scope(std::string_view challenge_scope,
                                        const std::optional<std::vector<std::string>>& scopes_supported);

/// The union of two space-separated scope sets, first-seen order, no duplicates. Step-up requests
/// this so that the new token keeps what the old one was granted.
std::string merge_scopes(std::string_view a, std::string_view b);

}  // namespace lumen::client::oauth
