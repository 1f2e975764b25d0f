// OAuth 2.1 authorization for the Streamable HTTP client, following the MCP authorization
// specification (revision 2025-11-25, with the 2025-03-26 fallbacks for servers without Protected
// Resource Metadata). Set http_options::auth and the transport does the rest: on HTTP 401 it reads
// the WWW-Authenticate challenge, discovers the Protected Resource Metadata (RFC 9728) and the
// authorization server's metadata (RFC 8414 / OpenID Connect Discovery), registers the client
// (pre-registered credentials, a Client ID Metadata Document, or Dynamic Client Registration,
// RFC 7591), runs the authorization code flow with PKCE (S256) and the `resource` parameter
// (RFC 8707), and retries the request with `Authorization: Bearer`. HTTP 403 with
// error="insufficient_scope" triggers step-up authorization with the larger scope set.
//
// The one step that needs a user is pluggable: `authorize` receives the authorization URL (open it
// in a browser) and returns the URL the authorization server redirected to, or the bare code.
#pragma once

#include <lumen/client/oauth/flow.hpp>
#include <lumen/client/oauth/types.hpp>
