// DNS-rebinding protection.
#include <lumen/transport/origin_policy.hpp>

#include <lumen/transport/http_message.hpp>

namespace lumen::transport {

bool is_loopback_host(std::string_view host) noexcept {
  return iequals(host, "localhost") || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

origin_policy origin_policy::loopback(std::uint16_t port) {
  origin_policy p;
  const std::string suffix = ":" + std::to_string(port);
  for (const char* h : {"localhost", "127.0.0.1", "[::1]"}) {
    p.allowed_hosts.push_back(h);
    p.allowed_hosts.push_back(h + suffix);
    for (const char* scheme : {"http://", "https://"}) {
      p.allowed_origins.push_back(std::string(scheme) + h);
      p.allowed_origins.push_back(std::string(scheme) + h + suffix);
    }
  }
  return p;
}

namespace {

bool listed(const std::vector<std::string>& list, std::string_view value) {
  for (const auto& v : list) {
    if (iequals(v, value)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> origin_policy::check(std::optional<std::string_view> host,
                                                std::optional<std::string_view> origin) const {
  if (!enabled) return std::nullopt;
  if (!allowed_hosts.empty() && (!host || !listed(allowed_hosts, *host))) {
    return "Forbidden: Host header \"" + std::string(host.value_or("")) + "\" is not allowed";
  }
  if (origin && !allowed_origins.empty() && !listed(allowed_origins, *origin)) {
    return "Forbidden: Origin \"" + std::string(*origin) + "\" is not allowed";
  }
  return std::nullopt;
}

}  // namespace lumen::transport
