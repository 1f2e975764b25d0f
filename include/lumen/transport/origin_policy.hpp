// DNS-rebinding protection for Streamable HTTP: which `Host` and `Origin` header values an
// endpoint accepts. On by default for servers bound to a loopback address, where a malicious web
// page could otherwise reach a local server through a rebound DNS name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::transport {

struct origin_policy {
  bool enabled = true;
  /// Accepted `Host` values (with or without port; compared case-insensitively). Empty: any.
  std::vector<std::string> allowed_hosts;
  /// Accepted `Origin` values (scheme://host[:port]). Empty: any. A request without `Origin`
  /// (not from a browser) is accepted.
  std::vector<std::string> allowed_origins;

  /// `localhost`, `127.0.0.1` and `[::1]`, with and without `port`, as hosts and as http/https origins.
  static origin_policy loopback(std::uint16_t port);

  /// Why a request is refused (for the 403 body), or nullopt when it is accepted.
  std::optional<std::string> check(std::optional<std::string_view> host, std::optional<std::string_view> origin) const;
};

/// True for 127.0.0.0/8, ::1 (bracketed or not) and "localhost".
bool is_loopback_host(std::string_view host) noexcept;

}  // namespace lumen::transport
