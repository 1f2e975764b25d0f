// Discovery: where the metadata documents live, and what they must contain.
//  - Protected Resource Metadata (RFC 9728): the URL from WWW-Authenticate, else the well-known
//    URI at the MCP endpoint's path, then at the root.
//  - Authorization server metadata: RFC 8414 and OpenID Connect Discovery, in the order the MCP
//    specification lists (path insertion first; OpenID path appending last).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::client::oauth {

/// Well-known Protected Resource Metadata URLs for an MCP endpoint, in the order to try them.
/// Throws client_error(authorization_failed) for a URL without scheme or host.
std::vector<std::string> protected_resource_metadata_urls(std::string_view server_url);

/// Well-known authorization server metadata URLs for an issuer, in the order to try them.
std::vector<std::string> authorization_server_metadata_urls(std::string_view issuer);

struct protected_resource_metadata {
  std::string resource;
  std::vector<std::string> authorization_servers;
  /// Absent and empty differ: absent means "omit scope".
  std::optional<std::vector<std::string>> scopes_supported;
};

struct authorization_server_metadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string registration_endpoint;  // empty: no Dynamic Client Registration
  std::vector<std::string> token_endpoint_auth_methods_supported;
  std::vector<std::string> code_challenge_methods_supported;
  bool client_id_metadata_document_supported = false;
};

/// Parse and validate the documents; throw client_error(authorization_failed) naming what is
/// wrong (not JSON, not an object, a required member missing or of the wrong type).
protected_resource_metadata parse_protected_resource_metadata(std::string_view json_text);
authorization_server_metadata parse_authorization_server_metadata(std::string_view json_text);

/// True when the metadata's `resource` identifies the MCP endpoint `server_url`: same scheme,
/// host and port, and a path that is the endpoint's path or a parent of it.
bool resource_matches(std::string_view resource, std::string_view server_url);

/// `url` without fragment, with lowercase scheme and host: the canonical resource URI (RFC 8707).
std::string canonical_resource_uri(std::string_view url);

/// The scheme://host[:port] of a URL.
std::string origin_of(std::string_view url);

}  // namespace lumen::client::oauth
