// The client side of Streamable HTTP, on Boost.Beast with C++20 coroutines: one I/O thread, one
// connection per HTTP request.
// g++ 12 reports false "potential null pointer dereference" inside Asio's scheduler once its
// templates are inlined here; the warning is about Boost's code, not ours.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <lumen/client/http_transport.hpp>
#include <lumen/client/oauth/flow.hpp>
#include <lumen/client/sse_parser.hpp>
#include <lumen/jsonrpc/parse.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace lumen::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using response_parser = http::response_parser<http::buffer_body>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Reads the body in chunks, calling on_data(chunk) -> bool (false: stop reading). Returns the
// error that ended the read (none at the end of the body or when on_data stopped it).
template <class OnData>
awaitable<boost::system::error_code> read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                               response_parser& parser, OnData on_data) {
  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    boost::system::error_code ec;
    co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    std::size_t got = sizeof chunk - parser.get().body().size;
    if (got > 0 && !on_data(std::string_view(chunk, got))) co_return boost::system::error_code{};
    if (ec) co_return ec;
  }
  co_return boost::system::error_code{};
}

}  // namespace

// The coroutines use `this` freely: close() stops and joins the I/O thread before the impl goes,
// and the io_context's destructor destroys the suspended coroutines.
struct http_transport::impl {
  http_options options;
  transport_events events;
  std::string host;        // for resolving
  std::string port;
  std::string host_header;
  std::string target;

  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread io_thread;
  std::atomic<bool> closing{false};
  std::atomic<bool> listening{false};

  mutable std::mutex mutex;
  std::string session_id;
  std::string protocol_version;
  std::unique_ptr<oauth::authorizer> authorizer;  // when options.auth is set

  explicit impl(http_options o) : options(std::move(o)) {
    if (options.auth) authorizer = std::make_unique<oauth::authorizer>(*options.auth, options.url);
    auto parsed = boost::urls::parse_uri(options.url);
    if (!parsed) throw client_error(error_kind::transport_error, "invalid server URL \"" + options.url + "\"");
    const auto& u = *parsed;
    if (u.scheme() != "http") {
      throw client_error(error_kind::transport_error,
                         "unsupported URL scheme \"" + std::string(u.scheme()) + "\" (only http is supported)");
    }
    host = u.host_address();
    if (host.empty()) throw client_error(error_kind::transport_error, "server URL has no host: " + options.url);
    port = u.has_port() ? std::string(u.port()) : "80";
    host_header = std::string(u.encoded_host_and_port());
    target = std::string(u.encoded_path());
    if (target.empty()) target = "/";
    if (u.has_query()) target += "?" + std::string(u.encoded_query());
  }

  // ---- HTTP plumbing ------------------------------------------------------------------------

  awaitable<beast::tcp_stream> connect() {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(host, port, use_awaitable);
    beast::tcp_stream stream(ex);
    stream.expires_after(options.connect_timeout);
    co_await stream.async_connect(endpoints, use_awaitable);
    stream.expires_never();
    co_return stream;
  }

  // Returns the request and whether it carried a session id.
  std::pair<http::request<http::string_body>, bool> make_request(http::verb verb, std::string body,
                                                                 const header_list& extra) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, host_header);
    req.set(http::field::user_agent, "lumen-client");
    bool with_session = false;
    {
      std::lock_guard lock(mutex);
      if (!session_id.empty()) {
        req.set("Mcp-Session-Id", session_id);
        with_session = true;
      }
      if (!protocol_version.empty()) req.set("MCP-Protocol-Version", protocol_version);
    }
    for (const auto& [k, v] : options.headers) req.set(k, v);
    if (authorizer) {
      if (auto bearer = authorizer->authorization_header(); !bearer.empty()) req.set(http::field::authorization, bearer);
    }
    for (const auto& [k, v] : extra) req.set(k, v);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, "application/json");
      req.set(http::field::accept, "application/json, text/event-stream");
      req.body() = std::move(body);
    } else if (verb == http::verb::get) {
      req.set(http::field::accept, "text/event-stream");
    }
    req.prepare_payload();
    return {std::move(req), with_session};
  }

  // Reads a (short) error body as text.
  static awaitable<std::string> read_text(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                          response_parser& parser, std::size_t limit) {
    std::string text;
    co_await read_body(stream, buffer, parser, [&](std::string_view chunk) {
      text.append(chunk.substr(0, limit - std::min(limit, text.size())));
      return text.size() < limit;
    });
    co_return text;
  }

  // An error for an HTTP status, with the JSON-RPC error from the body when there is one.
  static client_error status_error(int status, const std::string& body, bool session_expired, const char* what) {
    std::string message = std::string(what) + ": HTTP " + std::to_string(status);
    std::optional<int> code;
    std::optional<json::value> data;
    auto parsed = jsonrpc::parse(body);
    if (auto* m = std::get_if<jsonrpc::message>(&parsed)) {
      if (auto* e = std::get_if<jsonrpc::error_response>(m)) {
        message += " (" + std::to_string(e->error.code) + " " + e->error.message + ")";
        code = e->error.code;
        data = e->error.data;
      }
    } else if (!is_blank(body)) {
      message += ": " + body.substr(0, 200);
    }
    if (session_expired) message += "; the session has expired";
    return client_error(session_expired ? error_kind::session_expired : error_kind::http_error, message, code,
                        std::move(data), status);
  }

  void fail(const std::optional<jsonrpc::request_id>& id, client_error e) {
    if (closing) return;
    if (id) {
      if (events.on_request_failed) events.on_request_failed(*id, std::move(e));
    } else if (events.on_error) {
      events.on_error(std::move(e));
    }
  }

  // Hands a message from the server to the client; true when it answers `awaited`.
  bool deliver(jsonrpc::message m, const std::optional<jsonrpc::request_id>& awaited) {
    bool answers = false;
    if (awaited) {
      if (auto* r = std::get_if<jsonrpc::response>(&m)) answers = r->id == *awaited;
      if (auto* e = std::get_if<jsonrpc::error_response>(&m)) answers = e->id && *e->id == *awaited;
    }
    if (!closing && events.on_message) events.on_message(std::move(m));
    return answers;
  }

  // Parses a body or an SSE event's data into messages; true when one answers `awaited`.
  bool deliver_text(std::string_view text, const std::optional<jsonrpc::request_id>& awaited) {
    auto parsed = jsonrpc::parse(text, {.max_message_bytes = options.max_body_bytes});
    if (auto* m = std::get_if<jsonrpc::message>(&parsed)) return deliver(std::move(*m), awaited);
    if (auto* b = std::get_if<jsonrpc::batch>(&parsed)) {
      bool answered = false;
      for (const auto& element : b->elements) {
        auto one = jsonrpc::from_json(element);
        if (auto* m1 = std::get_if<jsonrpc::message>(&one)) answered |= deliver(std::move(*m1), awaited);
      }
      return answered;
    }
    auto snippet = std::string(text.substr(0, 200));
    client_error e(error_kind::protocol_error,
                   "the server sent malformed JSON-RPC (" + std::get<jsonrpc::error_response>(parsed).error.message +
                       "): " + snippet,
                   jsonrpc::error_codes::parse_error);
    if (events.on_error && !closing) events.on_error(std::move(e));
    return false;
  }

  struct stream_state {
    std::string last_event_id;
    std::optional<std::chrono::milliseconds> retry;
    bool answered = false;
    bool any_event = false;
  };

  // Consumes an SSE body until it ends, breaks, or (when `awaited`) carries the answer.
  awaitable<void> consume_sse(beast::tcp_stream& stream, beast::flat_buffer& buffer, response_parser& parser,
                              const std::optional<jsonrpc::request_id>& awaited, stream_state& state) {
    sse_parser sse([&](sse_event e) {
      state.any_event = true;
      if (is_blank(e.data)) return;  // e.g. a priming event (id and retry only)
      if (e.type != "message") return;
      if (deliver_text(e.data, awaited)) state.answered = true;
    });
    co_await read_body(stream, buffer, parser, [&](std::string_view chunk) {
      sse.feed(chunk);
      if (!sse.last_event_id().empty()) state.last_event_id = sse.last_event_id();
      if (sse.retry()) state.retry = sse.retry();
      return !state.answered && !closing;
    });
  }

  // ---- POST ---------------------------------------------------------------------------------

  awaitable<void> post(jsonrpc::message message, header_list extra) {
    std::optional<jsonrpc::request_id> id;
    bool is_initialize = false;
    if (auto* r = std::get_if<jsonrpc::request>(&message)) {
      id = r->id;
      is_initialize = r->method == "initialize";
    }
    stream_state state;
    try {
      const auto request_body = jsonrpc::serialize(message);
      std::optional<beast::tcp_stream> connection;
      connection.emplace(co_await connect());
      beast::flat_buffer buffer;
      std::optional<response_parser> answer;
      bool with_session = false;
      // Sent again after each authorization the server's 401/403 asks for, a bounded number of times.
      for (int authorizations = 0;; ++authorizations) {
        auto token_generation = authorizer ? authorizer->token_generation() : 0;
        auto [req, session] = make_request(http::verb::post, request_body, extra);
        with_session = session;
        co_await http::async_write(*connection, req, use_awaitable);
        auto& refusal = answer.emplace();
        refusal.body_limit(boost::none);
        co_await http::async_read_header(*connection, buffer, refusal, use_awaitable);
        int refused = static_cast<int>(refusal.get().result_int());
        if (!authorizer || (refused != 401 && refused != 403)) break;
        std::string challenge;  // several WWW-Authenticate fields are one comma-separated list
        auto [first, last] = refusal.get().equal_range(http::field::www_authenticate);
        for (auto field = first; field != last; ++field) {
          challenge += (challenge.empty() ? "" : ", ") + std::string(field->value());
        }
        auto refusal_body = co_await read_text(*connection, buffer, refusal, 4096);
        if (authorizations >= authorizer->options().max_authorization_attempts) {
          fail(id, client_error(error_kind::authorization_failed,
                                "the server still refuses the request (HTTP " + std::to_string(refused) + ") after " +
                                    std::to_string(authorizations) + " authorizations",
                                std::nullopt, std::nullopt, refused));
          co_return;
        }
        if (!authorizer->handle_refusal(refused, challenge, token_generation)) {
          fail(id, status_error(refused, refusal_body, false,
                                id ? "the server refused the request" : "the server refused a message"));
          co_return;
        }
        // A fresh connection: the server may close the refused one.
        connection.reset();
        connection.emplace(co_await connect());
        buffer.clear();
      }
      beast::tcp_stream& stream = *connection;
      response_parser& parser = *answer;
      const auto& res = parser.get();
      int status = static_cast<int>(res.result_int());
      if (is_initialize && status / 100 == 2) {
        auto sid = res["Mcp-Session-Id"];
        std::lock_guard lock(mutex);
        session_id = std::string(sid);
      }
      if (status / 100 != 2) {
        auto body = co_await read_text(stream, buffer, parser, 4096);
        fail(id, status_error(status, body, status == 404 && with_session,
                              id ? "the server refused the request" : "the server refused a message"));
        co_return;
      }
      if (!id) co_return;  // a notification or response: 202 Accepted, nothing to read
      auto content_type = lower(std::string(res[http::field::content_type]));
      if (content_type.starts_with("text/event-stream")) {
        co_await consume_sse(stream, buffer, parser, id, state);
      } else if (content_type.starts_with("application/json")) {
        std::string body;
        bool too_big = false;
        auto ec = co_await read_body(stream, buffer, parser, [&](std::string_view chunk) {
          body.append(chunk);
          too_big = body.size() > options.max_body_bytes;
          return !too_big;
        });
        if (too_big) {
          fail(id, client_error(error_kind::protocol_error, "the server's response exceeds " +
                                                                std::to_string(options.max_body_bytes) + " bytes"));
          co_return;
        }
        if (ec) {
          fail(id, client_error(error_kind::connection_closed, "the response body was cut: " + ec.message()));
          co_return;
        }
        if (!deliver_text(body, id)) {
          fail(id, client_error(error_kind::protocol_error, "the server's JSON response does not answer request " +
                                                                id->to_string()));
        }
        co_return;
      } else if (status == 202) {
        fail(id, client_error(error_kind::protocol_error, "the server accepted request " + id->to_string() +
                                                              " (202) without answering it"));
        co_return;
      } else {
        fail(id, client_error(error_kind::protocol_error,
                              "unexpected Content-Type \"" + content_type + "\" in the answer to request " +
                                  id->to_string()));
        co_return;
      }
    } catch (const client_error& e) {  // the authorization flow failed
      fail(id, e);
      co_return;
    } catch (const boost::system::system_error& e) {
      if (closing) co_return;
      if (!state.any_event) {
        fail(id, client_error(error_kind::transport_error, "cannot reach " + options.url + ": " + e.code().message()));
        co_return;
      }
    } catch (const std::exception& e) {
      fail(id, client_error(error_kind::transport_error, std::string("HTTP request failed: ") + e.what()));
      co_return;
    }
    if (state.answered || closing) co_return;
    co_await resume(*id, state);
  }

  // Sends a GET for an SSE stream (with the `extra` headers) and reads the answer's header, leaving
  // `parser` at the body; returns the request sent and whether it carried the session id.
  awaitable<std::pair<http::request<http::string_body>, bool>> start_get_stream(beast::tcp_stream& stream,
                                                                               beast::flat_buffer& buffer,
                                                                               response_parser& parser,
                                                                               const header_list& extra) {
    auto sent = make_request(http::verb::get, {}, extra);
    co_await http::async_write(stream, sent.first, use_awaitable);
    parser.body_limit(boost::none);
    co_await http::async_read_header(stream, buffer, parser, use_awaitable);
    co_return sent;
  }

  // The SSE stream of request `id` ended before its answer: resume it with GET + Last-Event-ID
  // after the server's retry delay.
  awaitable<void> resume(jsonrpc::request_id id, stream_state state) {
    for (int attempt = 1; !state.answered && !closing; ++attempt) {
      if (state.last_event_id.empty()) {
        fail(id, client_error(error_kind::connection_closed,
                              "the server's SSE stream ended before the answer to request " + id.to_string() +
                                  " (no event id to resume from)"));
        co_return;
      }
      if (attempt > options.max_reconnects) {
        fail(id, client_error(error_kind::connection_closed,
                              "the SSE stream for request " + id.to_string() + " could not be resumed after " +
                                  std::to_string(options.max_reconnects) + " attempts"));
        co_return;
      }
      asio::steady_timer timer(co_await asio::this_coro::executor, state.retry.value_or(options.default_retry));
      co_await timer.async_wait(use_awaitable);
      if (closing) co_return;
      try {
        auto stream = co_await connect();
        beast::flat_buffer buffer;
        response_parser parser;
        const header_list resume_from{{"Last-Event-ID", state.last_event_id}};  // named: g++ 12 rejects a braced list in co_await
        auto [req, with_session] = co_await start_get_stream(stream, buffer, parser, resume_from);
        int status = static_cast<int>(parser.get().result_int());
        if (status != 200) {
          auto body = co_await read_text(stream, buffer, parser, 4096);
          fail(id, status_error(status, body, status == 404 && with_session, "resuming the SSE stream failed"));
          co_return;
        }
        state.any_event = false;
        co_await consume_sse(stream, buffer, parser, id, state);
        if (state.any_event) attempt = 0;
      } catch (const boost::system::system_error&) {
        if (closing) co_return;  // a failed reconnection counts as an attempt
      }
    }
  }

  // ---- The standalone GET stream ------------------------------------------------------------

  awaitable<void> listen() {
    stream_state state;
    int failures = 0;
    while (!closing) {
      try {
        header_list extra;
        if (!state.last_event_id.empty()) extra.emplace_back("Last-Event-ID", state.last_event_id);
        auto stream = co_await connect();
        beast::flat_buffer buffer;
        response_parser parser;
        auto [req, with_session] = co_await start_get_stream(stream, buffer, parser, extra);
        int status = static_cast<int>(parser.get().result_int());
        auto content_type = lower(std::string(parser.get()[http::field::content_type]));
        if (status != 200 || !content_type.starts_with("text/event-stream")) {
          // 405: the server offers no GET stream. A 404 for a session that has since been
          // replaced (re-initialization) is retried with the new session.
          std::string used = std::string(req["Mcp-Session-Id"]);
          bool replaced;
          {
            std::lock_guard lock(mutex);
            replaced = status == 404 && !session_id.empty() && session_id != used;
          }
          if (!replaced) break;
          state = {};
          continue;
        }
        state.any_event = false;
        co_await consume_sse(stream, buffer, parser, std::nullopt, state);
        failures = state.any_event ? 0 : failures + 1;
      } catch (const boost::system::system_error&) {
        ++failures;
      }
      if (closing || failures > options.max_reconnects) break;
      asio::steady_timer timer(co_await asio::this_coro::executor, state.retry.value_or(options.default_retry));
      co_await timer.async_wait(use_awaitable);
    }
    listening = false;
  }

  // ---- DELETE -------------------------------------------------------------------------------

  awaitable<void> end_session() {
    try {
      auto stream = co_await connect();
      auto [req, with_session] = make_request(http::verb::delete_, {}, {});
      co_await http::async_write(stream, req, use_awaitable);
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      co_await http::async_read(stream, buffer, res, use_awaitable);  // 405: the server keeps sessions itself
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): best effort
    }
  }
};

http_transport::http_transport(http_options options) : impl_(std::make_shared<impl>(std::move(options))) {}

http_transport::~http_transport() { close(); }

void http_transport::start(transport_events events) {
  if (impl_->io_thread.joinable()) throw client_error(error_kind::transport_error, "http transport already started");
  impl_->events = std::move(events);
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->io_thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

void http_transport::send(const jsonrpc::message& message, const header_list& headers) {
  if (impl_->closing || !impl_->io_thread.joinable()) {
    throw client_error(error_kind::not_connected, "the HTTP transport is closed");
  }
  asio::co_spawn(impl_->ioc, impl_->post(message, headers), asio::detached);
}

void http_transport::initialized(std::string_view protocol_version) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->protocol_version = std::string(protocol_version);
  }
  if (impl_->options.open_get_stream && !impl_->closing && !impl_->listening.exchange(true)) {
    asio::co_spawn(impl_->ioc, impl_->listen(), asio::detached);
  }
}

void http_transport::reset_session() {
  std::lock_guard lock(impl_->mutex);
  impl_->session_id.clear();
  impl_->protocol_version.clear();
}

std::string http_transport::session_id() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->session_id;
}

std::optional<server_endpoint> http_transport::endpoint() const {
  // host and port are fixed at construction (checked there).
  return server_endpoint{impl_->host, static_cast<std::uint16_t>(std::stoul(impl_->port))};
}

void http_transport::close() {
  if (!impl_ || impl_->closing.exchange(true)) return;
  if (!impl_->io_thread.joinable()) return;
  bool has_session;
  {
    std::lock_guard lock(impl_->mutex);
    has_session = !impl_->session_id.empty();
  }
  if (has_session && impl_->options.delete_on_close) {
    auto done = asio::co_spawn(impl_->ioc, impl_->end_session(), asio::use_future);
    done.wait_for(impl_->options.close_timeout);
  }
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->io_thread.join();
}

}  // namespace lumen::client
