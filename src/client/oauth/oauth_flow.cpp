// The authorization flow: discovery, registration, authorization code with PKCE, token exchange,
// refresh and step-up, run synchronously when the MCP server refuses a request.
#include <lumen/client/errors.hpp>
#include <lumen/client/oauth/discovery.hpp>
#include <lumen/client/oauth/flow.hpp>
#include <lumen/client/oauth/pkce.hpp>
#include <lumen/client/oauth/registration.hpp>
#include <lumen/client/oauth/scope.hpp>
#include <lumen/client/oauth/token.hpp>
#include <lumen/client/oauth/www_authenticate.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <mutex>

namespace lumen::client::oauth {

namespace {

client_error auth_error(const std::string& message) { return client_error(error_kind::authorization_failed, message); }

std::string without_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// The code from what the authorization handler returned: a redirect URL (absolute or relative)
// carrying code and state, or the bare code.
std::string code_from_handler_answer(const std::string& answer, const std::string& expected_state) {
  if (answer.empty()) throw auth_error("the authorization handler returned nothing");
  bool looks_like_url = answer.find("://") != std::string::npos || answer.front() == '/' || answer.front() == '?';
  if (!looks_like_url) return answer;
  auto parsed = boost::urls::parse_uri_reference(answer);
  if (!parsed) throw auth_error("the authorization handler returned an invalid redirect URL: " + answer);
  auto params = parsed->params();
  auto value = [&](std::string_view key) -> std::optional<std::string> {
    auto it = params.find(key);
    if (it == params.end() || !(*it).has_value) return std::nullopt;
    return std::string((*it).value);
  };
  if (auto error = value("error")) {
    std::string message = "the authorization server denied the request (" + *error + ")";
    if (auto description = value("error_description")) message += ": " + *description;
    throw client_error(error_kind::authorization_failed, message, std::nullopt,
                       json::value(json::object{{"error", *error},
                                                {"error_description", value("error_description").value_or("")}}));
  }
  // The redirect must carry our state back (OAuth 2.1 §7.12: CSRF protection).
  if (value("state") != expected_state) throw auth_error("the authorization redirect's state does not match the request's");
  auto code = value("code");
  if (!code || code->empty()) throw auth_error("the authorization redirect carries no code: " + answer);
  return *code;
}

}  // namespace

authorization_handler headless_authorization_handler(http_fetcher fetch) {
  return [fetch = std::move(fetch)](const authorization_request& request) {
    auto response = fetch({.method = "GET", .url = request.url});
    auto location = response.header("location");
    if (response.status / 100 != 3 || location.empty()) {
      throw auth_error("the authorization endpoint answered HTTP " + std::to_string(response.status) +
                       " instead of redirecting");
    }
    return location;
  };
}

authorization_handler headless_authorization_handler(std::chrono::milliseconds timeout) {
  return headless_authorization_handler(make_http_fetcher(timeout, 64 * 1024));
}

struct authorizer::state {
  auth_options options;
  std::string server_url;
  http_fetcher fetch;

  mutable std::mutex mutex;
  std::optional<token_set> tokens;
  std::uint64_t generation = 0;

  // What discovery found (kept until a challenge names another metadata document).
  bool discovered = false;
  std::string metadata_url;                         // the PRM document's URL (empty: none found)
  std::optional<protected_resource_metadata> prm;   // none: a 2025-03-26 server without PRM
  std::string resource;                             // the `resource` parameter
  std::string issuer;
  std::optional<authorization_server_metadata> as;
  std::optional<client_credentials> client;
  std::string requested_scope;

  // ---- HTTP ---------------------------------------------------------------------------------

  http_exchange_response get(const std::string& url) { return fetch({.method = "GET", .url = url}); }

  // ---- Discovery ----------------------------------------------------------------------------

  void discover(const std::string& challenge_metadata_url) {
    if (discovered && (challenge_metadata_url.empty() || challenge_metadata_url == metadata_url)) return;
    std::vector<std::string> candidates;
    if (!challenge_metadata_url.empty()) candidates.push_back(challenge_metadata_url);
    for (auto& url : protected_resource_metadata_urls(server_url)) {
      if (std::find(candidates.begin(), candidates.end(), url) == candidates.end()) candidates.push_back(url);
    }
    const std::string previous_issuer = issuer;
    std::optional<protected_resource_metadata> found;
    std::string found_at;
    for (const auto& url : candidates) {
      auto response = get(url);
      if (response.status != 200) continue;
      found = parse_protected_resource_metadata(response.body);
      found_at = url;
      break;
    }
    if (found) {
      if (!resource_matches(found->resource, server_url)) {
        throw auth_error("the protected resource metadata at " + found_at + " is for \"" + found->resource +
                         "\", not for " + server_url);
      }
      resource = canonical_resource_uri(found->resource);
      issuer = found->authorization_servers.front();
    } else {
      // A 2025-03-26 server: the authorization server is at the MCP server's origin.
      resource = canonical_resource_uri(server_url);
      issuer = origin_of(server_url);
    }
    if (issuer != previous_issuer) {  // credentials and metadata belong to one authorization server
      as.reset();
      client.reset();
    }
    prm = std::move(found);
    metadata_url = found_at;
    discovered = true;
  }

  void discover_authorization_server() {
    if (as) return;
    auto urls = authorization_server_metadata_urls(issuer);
    for (const auto& url : urls) {
      auto response = get(url);
      if (response.status != 200) continue;
      auto metadata = parse_authorization_server_metadata(response.body);
      // RFC 8414 §3.3; a 2025-03-26 server's metadata is found at its origin whatever its issuer.
      if (prm && without_trailing_slash(metadata.issuer) != without_trailing_slash(issuer)) {
        throw auth_error("the authorization server metadata at " + url + " names issuer \"" + metadata.issuer +
                         "\", not \"" + issuer + "\"");
      }
      if (std::find(metadata.code_challenge_methods_supported.begin(), metadata.code_challenge_methods_supported.end(),
                    "S256") == metadata.code_challenge_methods_supported.end()) {
        throw auth_error("the authorization server " + issuer +
                         " does not advertise PKCE S256 (code_challenge_methods_supported); refusing to authorize");
      }
      as = std::move(metadata);
      return;
    }
    if (prm) {
      std::string tried;
      for (const auto& url : urls) tried += (tried.empty() ? "" : ", ") + url;
      throw auth_error("no authorization server metadata for " + issuer + " (tried " + tried + ")");
    }
    // 2025-03-26 fallback: the default endpoints at the server's origin.
    authorization_server_metadata defaults;
    defaults.issuer = issuer;
    defaults.authorization_endpoint = issuer + "/authorize";
    defaults.token_endpoint = issuer + "/token";
    defaults.registration_endpoint = issuer + "/register";
    defaults.code_challenge_methods_supported = {"S256"};
    as = std::move(defaults);
  }

  // ---- Registration -------------------------------------------------------------------------

  void register_client() {
    if (client) return;
    if (options.client) {
      client = *options.client;
      if (client->token_endpoint_auth_method.empty()) {
        client->token_endpoint_auth_method =
            choose_token_endpoint_auth_method(as->token_endpoint_auth_methods_supported, !client->client_secret.empty());
      }
      return;
    }
    if (as->client_id_metadata_document_supported && !options.client_metadata_url.empty()) {
      auto url = boost::urls::parse_uri(options.client_metadata_url);
      if (!url || url->scheme() != "https" || url->encoded_path().size() < 2) {
        throw auth_error("client_metadata_url must be an https URL with a path: \"" + options.client_metadata_url + "\"");
      }
      client = client_credentials{.client_id = options.client_metadata_url, .token_endpoint_auth_method = "none"};
      return;
    }
    if (as->registration_endpoint.empty()) {
      throw auth_error("cannot register with " + issuer +
                       ": it offers neither Dynamic Client Registration nor Client ID Metadata Documents "
                       "(configure pre-registered credentials in auth_options::client)");
    }
    auto method = choose_token_endpoint_auth_method(as->token_endpoint_auth_methods_supported, true);
    auto response = fetch({.method = "POST",
                           .url = as->registration_endpoint,
                           .headers = {{"Content-Type", "application/json"}},
                           .body = registration_request_body(options, method)});
    auto registered = parse_registration_response(response.status, response.body, method);
    if (registered.client_secret.empty()) registered.token_endpoint_auth_method = "none";
    client = std::move(registered);
  }

  // ---- Tokens -------------------------------------------------------------------------------

  token_set exchange(form_fields fields) {
    auto request = make_token_request(std::move(fields), *client);
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto response =
        fetch({.method = "POST", .url = as->token_endpoint, .headers = request.headers, .body = request.body});
    return parse_token_response(response.status, response.body);
  }

  void store(token_set fresh) {
    tokens = std::move(fresh);
    ++generation;
    if (options.on_tokens) options.on_tokens(*tokens);
  }

  void authorize_with_code(const std::optional<std::string>& scope) {
    if (!options.authorize) throw auth_error("authorization is needed but auth_options::authorize is not set");
    auto pkce = make_pkce_pair();
    auto state_value = random_token(16);
    auto parsed = boost::urls::parse_uri(as->authorization_endpoint);
    if (!parsed) throw auth_error("invalid authorization_endpoint \"" + as->authorization_endpoint + "\"");
    boost::urls::url url(*parsed);
    auto params = url.params();
    params.append({"response_type", "code"});
    params.append({"client_id", client->client_id});
    params.append({"redirect_uri", options.redirect_uri});
    params.append({"code_challenge", pkce.challenge});
    params.append({"code_challenge_method", "S256"});
    params.append({"state", state_value});
    params.append({"resource", resource});
    if (scope) params.append({"scope", *scope});

    std::string answer;
    try {
      answer = options.authorize(
          {.url = std::string(url.buffer()), .redirect_uri = options.redirect_uri, .state = state_value});
    } catch (const client_error&) {
      throw;
    } catch (const std::exception& e) {
      throw auth_error(std::string("the authorization handler failed: ") + e.what());
    }
    auto code = code_from_handler_answer(answer, state_value);
    store(exchange({{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", options.redirect_uri},
                    {"code_verifier", pkce.verifier},
                    {"resource", resource}}));
    requested_scope = scope.value_or("");
  }

  bool try_refresh() {
    if (!tokens || tokens->refresh_token.empty() || !client || !as) return false;
    try {
      auto fresh = exchange({{"grant_type", "refresh_token"}, {"refresh_token", tokens->refresh_token}, {"resource", resource}});
      if (fresh.refresh_token.empty()) fresh.refresh_token = tokens->refresh_token;
      store(std::move(fresh));
      return true;
    } catch (const client_error&) {
      return false;  // an expired or revoked refresh token: authorize again
    }
  }

  bool handle(int status, std::string_view www_authenticate, std::uint64_t sent_with) {
    auto challenge = find_bearer_challenge(www_authenticate);
    if (status == 403 && (!challenge || challenge->error != "insufficient_scope")) return false;
    if (status != 401 && status != 403) return false;
    if (generation != sent_with) return true;  // another request already obtained a newer token
    if (status == 401 && try_refresh()) return true;
    discover(challenge ? challenge->resource_metadata : std::string());
    discover_authorization_server();
    register_client();
    auto scope = select_scope(challenge ? challenge->scope : std::string_view(), prm ? prm->scopes_supported : std::nullopt);
    // Step-up keeps what was granted before: the challenge lists what this request needs.
    if (status == 403 && scope) scope = merge_scopes(requested_scope, *scope);
    authorize_with_code(scope);
    return true;
  }
};

authorizer::authorizer(auth_options options, std::string server_url, http_fetcher fetch)
    : state_(std::make_unique<state>()) {
  if (!fetch) fetch = make_http_fetcher(options.http_timeout, options.max_response_bytes);
  state_->options = std::move(options);
  state_->server_url = std::move(server_url);
  state_->fetch = std::move(fetch);
}

authorizer::~authorizer() = default;

std::string authorizer::authorization_header() const {
  std::lock_guard lock(state_->mutex);
  if (!state_->tokens) return {};
  return "Bearer " + state_->tokens->access_token;
}

std::uint64_t authorizer::token_generation() const {
  std::lock_guard lock(state_->mutex);
  return state_->generation;
}

const auth_options& authorizer::options() const noexcept { return state_->options; }

bool authorizer::handle_refusal(int status, std::string_view www_authenticate, std::uint64_t sent_with) {
  std::lock_guard lock(state_->mutex);
  try {
    return state_->handle(status, www_authenticate, sent_with);
  } catch (const client_error& e) {
    // One kind for every failure of the flow, with what went wrong (timeouts included).
    throw client_error(error_kind::authorization_failed,
                       "authorization for " + state_->server_url + " failed: " + e.what(), e.code(), e.data(),
                       e.http_status());
  }
}

}  // namespace lumen::client::oauth
