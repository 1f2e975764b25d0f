// Well-known metadata locations (RFC 9728 §3.1, RFC 8414 §3.1 and §5, MCP's discovery order) and
// validation of the documents found there.
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/discovery.hpp>
#include <lumen/json.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <cctype>

namespace lumen::client::oauth {

namespace {

client_error discovery_error(const std::string& message) {
  return client_error(error_kind::authorization_failed, message);
}

struct url_parts {
  std::string origin;  // scheme://host[:port]
  std::string path;    // without the trailing '/', "" for the root
};

url_parts split_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->host().empty()) {
    throw discovery_error("not an absolute URL: \"" + std::string(url) + "\"");
  }
  url_parts parts;
  parts.origin = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
  parts.path = std::string(parsed->encoded_path());
  while (!parts.path.empty() && parts.path.back() == '/') parts.path.pop_back();
  return parts;
}

json::object parse_object(std::string_view text, const char* what) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) throw discovery_error(std::string(what) + " is not JSON: " + ec.message());
  if (!value.is_object()) throw discovery_error(std::string(what) + " is not a JSON object");
  return std::move(value.as_object());
}

std::string required_string(const json::object& doc, std::string_view key, const char* what) {
  auto const* v = doc.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty()) {
    throw discovery_error(std::string(what) + " has no \"" + std::string(key) + "\" string");
  }
  return std::string(v->as_string());
}

std::string optional_string(const json::object& doc, std::string_view key, const char* what) {
  auto const* v = doc.if_contains(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) throw discovery_error(std::string(what) + ": \"" + std::string(key) + "\" is not a string");
  return std::string(v->as_string());
}

std::optional<std::vector<std::string>> string_array(const json::object& doc, std::string_view key,
                                                     const char* what) {
  auto const* v = doc.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  auto fail = [&] {
    return discovery_error(std::string(what) + ": \"" + std::string(key) + "\" is not an array of strings");
  };
  if (!v->is_array()) throw fail();
  std::vector<std::string> out;
  for (const auto& element : v->as_array()) {
    if (!element.is_string()) throw fail();
    out.emplace_back(element.as_string());
  }
  return out;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::string> protected_resource_metadata_urls(std::string_view server_url) {
  auto parts = split_url(server_url);
  const std::string well_known = parts.origin + "/.well-known/oauth-protected-resource";
  if (parts.path.empty()) return {well_known};
  return {well_known + parts.path, well_known};
}

std::vector<std::string> authorization_server_metadata_urls(std::string_view issuer) {
  auto parts = split_url(issuer);
  if (parts.path.empty()) {
    return {parts.origin + "/.well-known/oauth-authorization-server", parts.origin + "/.well-known/openid-configuration"};
  }
  return {parts.origin + "/.well-known/oauth-authorization-server" + parts.path,
          parts.origin + "/.well-known/openid-configuration" + parts.path,
          parts.origin + parts.path + "/.well-known/openid-configuration"};
}

protected_resource_metadata parse_protected_resource_metadata(std::string_view json_text) {
  const char* what = "the protected resource metadata";
  auto doc = parse_object(json_text, what);
  protected_resource_metadata m;
  m.resource = required_string(doc, "resource", what);
  auto servers = string_array(doc, "authorization_servers", what);
  if (!servers || servers->empty()) throw discovery_error(std::string(what) + " lists no authorization_servers");
  m.authorization_servers = std::move(*servers);
  m.scopes_supported = string_array(doc, "scopes_supported", what);
  return m;
}

authorization_server_metadata parse_authorization_server_metadata(std::string_view json_text) {
  const char* what = "the authorization server metadata";
  auto doc = parse_object(json_text, what);
  authorization_server_metadata m;
  m.issuer = required_string(doc, "issuer", what);
  m.authorization_endpoint = required_string(doc, "authorization_endpoint", what);
  m.token_endpoint = required_string(doc, "token_endpoint", what);
  m.registration_endpoint = optional_string(doc, "registration_endpoint", what);
  m.token_endpoint_auth_methods_supported =
      string_array(doc, "token_endpoint_auth_methods_supported", what).value_or(std::vector<std::string>{});
  m.code_challenge_methods_supported =
      string_array(doc, "code_challenge_methods_supported", what).value_or(std::vector<std::string>{});
  if (auto const* v = doc.if_contains("client_id_metadata_document_supported")) {
    if (!v->is_bool() && !v->is_null()) {
      throw discovery_error(std::string(what) + ": \"client_id_metadata_document_supported\" is not a boolean");
    }
    m.client_id_metadata_document_supported = v->is_bool() && v->as_bool();
  }
  return m;
}

std::string origin_of(std::string_view url) { return lowercase(split_url(url).origin); }

std::string canonical_resource_uri(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw discovery_error("not an absolute URL: \"" + std::string(url) + "\"");
  boost::urls::url u(*parsed);
  u.remove_fragment();
  u.set_scheme(lowercase(u.scheme()));
  u.set_encoded_host(lowercase(u.encoded_host()));
  return std::string(u.buffer());
}

bool resource_matches(std::string_view resource, std::string_view server_url) {
  try {
    auto r = split_url(resource);
    auto s = split_url(server_url);
    if (lowercase(r.origin) != lowercase(s.origin)) return false;
    // Whole path segments: "/mcp" covers "/mcp" and "/mcp/x", not "/mcpx".
    return s.path == r.path || (s.path.starts_with(r.path) && s.path[r.path.size()] == '/');
  } catch (const client_error&) {
    return false;
  }
}

}  // namespace lumen::client::oauth
