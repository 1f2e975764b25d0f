// The MCP Streamable HTTP endpoint.
#include <lumen/transport/streamable_http.hpp>

#include <lumen/jsonrpc/parse.hpp>
#include <lumen/protocol/version.hpp>

#include <array>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <unordered_map>

namespace lumen::transport {

std::string jsonrpc_error_body(int code, std::string_view message) {
  return jsonrpc::serialize(jsonrpc::make_error(std::nullopt, code, std::string(message)));
}

namespace {

constexpr int bad_request_code = -32000;

http_response error_response(unsigned status, std::string_view message, int code = bad_request_code) {
  return {status, {{"Content-Type", "application/json"}}, jsonrpc_error_body(code, message)};
}

// 128 bits from the kernel's CSPRNG as 32 hex digits.
std::string new_session_id() {
  std::array<unsigned char, 16> bytes{};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size())) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (auto b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 0xf];
  }
  return id;
}

bool accepts(std::string_view accept, std::string_view type) {
  return accept.find(type) != std::string_view::npos || accept.find("*/*") != std::string_view::npos;
}

// One SSE event carrying a JSON-RPC message.
std::string sse_event(std::string_view id, std::string_view data) {
  std::string e;
  e.reserve(data.size() + id.size() + 32);
  e += "id: ";
  e += id;
  e += "\nevent: message\ndata: ";
  e += data;
  e += "\n\n";
  return e;
}

// Event ids are "{stream}-{sequence}": unique in the session, and they name their stream.
std::string event_id(std::uint64_t stream, std::uint64_t seq) { return std::to_string(stream) + "-" + std::to_string(seq); }

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_event_id(std::string_view id) {
  auto dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    auto stream = std::stoull(std::string(id.substr(0, dash)), &used);
    if (used != dash) return std::nullopt;
    auto rest = std::string(id.substr(dash + 1));
    auto seq = std::stoull(rest, &used);
    if (used != rest.size()) return std::nullopt;
    return std::make_pair(static_cast<std::uint64_t>(stream), static_cast<std::uint64_t>(seq));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

// ---- one HTTP session: routes a server session's messages to the right HTTP stream -------------

class http_session : public server::message_sink, public std::enable_shared_from_this<http_session> {
 public:
  struct stream {
    std::uint64_t number = 0;
    std::shared_ptr<response_channel> channel;
    bool streaming = false;
    bool done = false;
    std::uint64_t next_seq = 1;
  };

  http_session(std::string id, const endpoint_options& o) : id_(std::move(id)), options_(o) {}

  const std::string& id() const noexcept { return id_; }
  std::shared_ptr<server::session> mcp;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();

  // Registers the POST stream that will carry request `rid`'s answer.
  std::shared_ptr<stream> open_request_stream(const jsonrpc::request_id& rid, std::shared_ptr<response_channel> ch,
                                              bool stream_now) {
    std::lock_guard lock(mutex_);
    auto s = std::make_shared<stream>();
    s->number = next_stream_++;
    s->channel = std::move(ch);
    requests_[rid] = s;
    if (stream_now) begin_stream_locked(*s);
    return s;
  }

  void send(std::string message, const server::outgoing_context& ctx) override {
    std::shared_ptr<server::session> released;  // destroyed after the lock is released
    std::lock_guard lock(mutex_);
    last_activity = std::chrono::steady_clock::now();
    if (ctx.related_request) {
      auto it = requests_.find(*ctx.related_request);
      if (it != requests_.end()) {
        auto s = it->second;
        if (!s->streaming && ctx.is_final_response) {
          // Nothing came before the result: a plain JSON answer.
          if (s->channel) {
            header_fields h{{"Content-Type", "application/json"}};
            if (!id_.empty()) h.push_back(session_header());
            s->channel->respond({200, std::move(h), std::move(message)});
          }
        } else {
          if (!s->streaming) begin_stream_locked(*s);
          write_event_locked(*s, message);
          if (ctx.is_final_response && s->channel) s->channel->end_stream();
        }
        if (ctx.is_final_response) {
          requests_.erase(it);
          // A stateless session serves one request: drop it once answered (breaks the cycle
          // session -> sink -> session; the handler still holds the session while it returns).
          if (id_.empty() && requests_.empty()) released = std::move(mcp);
        }
        return;
      }
    }
    // Not tied to an open request stream: the standalone GET stream.
    if (get_stream_ && get_stream_->channel && get_stream_->channel->is_open()) {
      write_event_locked(*get_stream_, message);
    } else if (pending_.size() < options_.max_pending_messages) {
      pending_.push_back(std::move(message));
    }
  }

  enum class get_result { opened, conflict, unknown_event };

  get_result open_get_stream(std::shared_ptr<response_channel> ch, std::optional<std::string_view> last_event_id) {
    std::lock_guard lock(mutex_);
    last_activity = std::chrono::steady_clock::now();
    std::optional<std::pair<std::uint64_t, std::uint64_t>> resume;
    if (last_event_id) {
      resume = parse_event_id(*last_event_id);
      if (!resume) return get_result::unknown_event;
    }
    if (!resume && get_stream_ && get_stream_->channel && get_stream_->channel->is_open()) return get_result::conflict;
    if (!resume || !get_stream_ || resume->first == get_stream_->number) {
      if (!get_stream_) {
        get_stream_ = std::make_shared<stream>();
        get_stream_->number = 0;  // stream 0 is the standalone stream
      }
    }
    auto target = std::make_shared<stream>();
    target->channel = ch;
    ch->start_stream({session_header()});
    if (wants_priming()) ch->send("id: " + event_id(resume ? resume->first : 0, 0) + "\nretry: " +
                                  std::to_string(options_.sse_retry.count()) + "\ndata: \n\n");
    if (resume) {
      // Replay what the client missed on that stream.
      for (const auto& [id, data] : events_) {
        auto parsed = parse_event_id(id);
        if (parsed && parsed->first == resume->first && parsed->second > resume->second) ch->send(sse_event(id, data));
      }
      // A request stream still in progress continues on this connection.
      for (auto& [rid, s] : requests_) {
        if (s->number == resume->first) {
          s->channel = ch;
          s->streaming = true;
          return get_result::opened;
        }
      }
      if (resume->first != 0) {
        // That stream had finished: everything is replayed; keep the connection as the standalone stream.
      }
    }
    get_stream_->channel = ch;
    while (!pending_.empty()) {
      write_event_locked(*get_stream_, pending_.front());
      pending_.pop_front();
    }
    return get_result::opened;
  }

  void close() {
    std::shared_ptr<server::session> s;
    {
      std::lock_guard lock(mutex_);
      for (auto& [rid, st] : requests_) {
        if (st->channel && st->streaming) st->channel->end_stream();
      }
      requests_.clear();
      if (get_stream_ && get_stream_->channel) get_stream_->channel->end_stream();
      get_stream_.reset();
      s = std::move(mcp);
    }
    if (s) s->close(std::chrono::seconds(2));
  }

 private:
  header_fields::value_type session_header() const { return {"Mcp-Session-Id", id_}; }

  bool wants_priming() const {
    // A priming event (id, empty data) lets clients of 2025-11-25 resume; older clients could
    // choke on empty data, so they do not get one.
    return mcp && mcp->protocol_version() >= "2025-11-25";
  }

  void begin_stream_locked(stream& s) {
    s.streaming = true;
    if (!s.channel) return;
    header_fields h;
    if (!id_.empty()) h.push_back(session_header());
    s.channel->start_stream(std::move(h));
    if (wants_priming()) {
      s.channel->send("id: " + event_id(s.number, 0) + "\nretry: " + std::to_string(options_.sse_retry.count()) +
                      "\ndata: \n\n");
    }
  }

  void write_event_locked(stream& s, const std::string& message) {
    std::string id = event_id(s.number, s.next_seq++);
    if (!id_.empty()) {
      events_.emplace_back(id, message);
      if (events_.size() > options_.event_store_capacity) events_.pop_front();
    }
    // A disconnected client is not a cancellation: the event stays in the store for resumption.
    if (s.channel && s.channel->is_open()) s.channel->send(sse_event(id, message));
  }

  std::string id_;
  endpoint_options options_;
  std::mutex mutex_;
  std::unordered_map<jsonrpc::request_id, std::shared_ptr<stream>> requests_;
  std::shared_ptr<stream> get_stream_;
  std::uint64_t next_stream_ = 1;
  std::deque<std::pair<std::string, std::string>> events_;
  std::deque<std::string> pending_;
};

// ---- the endpoint ------------------------------------------------------------------------------

struct mcp_endpoint::impl : std::enable_shared_from_this<impl> {
  impl(server::server& s, endpoint_options o) : srv(s), options(std::move(o)) {}

  server::server& srv;
  endpoint_options options;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_ptr<http_session>, std::less<>> sessions;
  std::chrono::steady_clock::time_point last_sweep = std::chrono::steady_clock::now();

  std::shared_ptr<http_session> find(std::string_view id) {
    std::lock_guard lock(mutex);
    auto it = sessions.find(id);
    return it == sessions.end() ? nullptr : it->second;
  }

  void sweep_idle() {
    std::vector<std::shared_ptr<http_session>> expired;
    {
      std::lock_guard lock(mutex);
      auto now = std::chrono::steady_clock::now();
      if (now - last_sweep < std::chrono::seconds(1)) return;
      last_sweep = now;
      for (auto it = sessions.begin(); it != sessions.end();) {
        if (now - it->second->last_activity > options.session_idle_timeout && it->second->mcp->in_flight() == 0) {
          expired.push_back(it->second);
          it = sessions.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& s : expired) s->close();
  }

  std::optional<http_response> check_origin(const http_request& req) const {
    if (!options.dns_rebinding_protection) return std::nullopt;
    std::lock_guard lock(mutex);
    if (!options.allowed_hosts.empty()) {
      auto host = req.header("Host").value_or("");
      bool ok = false;
      for (const auto& h : options.allowed_hosts) ok = ok || iequals(h, host);
      if (!ok) return error_response(403, "Forbidden: Host header \"" + std::string(host) + "\" is not allowed");
    }
    if (auto origin = req.header("Origin"); origin && !options.allowed_origins.empty()) {
      bool ok = false;
      for (const auto& o : options.allowed_origins) ok = ok || iequals(o, *origin);
      if (!ok) return error_response(403, "Forbidden: Origin \"" + std::string(*origin) + "\" is not allowed");
    }
    return std::nullopt;
  }

  server::inbound_context origin_of(const http_request& req) const {
    server::inbound_context o;
    o.network_transport = "tcp";
    o.ambient_traceparent = req.ambient_traceparent;
    o.ambient_tracestate = req.ambient_tracestate;
    o.ambient_kind = "transport";
    o.peer_address = req.peer_address;
    o.peer_port = req.peer_port;
    return o;
  }

  void handle(http_request req, const std::shared_ptr<response_channel>& ch) {
    sweep_idle();
    if (auto denied = check_origin(req)) return ch->respond(std::move(*denied));
    if (auto v = req.header("MCP-Protocol-Version"); v && !protocol::is_supported_version(*v)) {
      return ch->respond(error_response(400, "Bad Request: unsupported MCP-Protocol-Version \"" + std::string(*v) + "\""));
    }
    if (req.method == "POST") return post(std::move(req), ch);
    if (req.method == "GET") return get(req, ch);
    if (req.method == "DELETE") return del(req, ch);
    http_response r = error_response(405, "Method Not Allowed: use POST, GET or DELETE");
    r.headers.emplace_back("Allow", "GET, POST, DELETE");
    ch->respond(std::move(r));
  }

  void post(http_request req, const std::shared_ptr<response_channel>& ch) {
    auto accept = req.header("Accept").value_or("");
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
      return ch->respond(error_response(406, "Not Acceptable: Accept must list application/json and text/event-stream"));
    }
    auto content_type = req.header("Content-Type").value_or("");
    if (content_type.substr(0, content_type.find(';')).find("application/json") == std::string_view::npos) {
      return ch->respond(error_response(415, "Unsupported Media Type: Content-Type must be application/json"));
    }
    auto parsed = jsonrpc::parse(req.body, srv.options().limits);
    if (auto* err = std::get_if<jsonrpc::error_response>(&parsed)) {
      return ch->respond({400, {{"Content-Type", "application/json"}}, jsonrpc::serialize(*err)});
    }
    if (std::holds_alternative<jsonrpc::batch>(parsed)) {
      return ch->respond(error_response(400, "Invalid Request: JSON-RPC batches are not supported over this transport",
                                        jsonrpc::error_codes::invalid_request));
    }
    auto message = std::get<jsonrpc::message>(std::move(parsed));
    auto* request = std::get_if<jsonrpc::request>(&message);
    const bool is_initialize = request && request->method == "initialize";
    auto origin = origin_of(req);

    if (options.stateless) {
      // A fresh session per POST; no Mcp-Session-Id.
      auto hs = std::make_shared<http_session>(std::string(), options);
      hs->mcp = srv.connect(hs);
      if (!is_initialize) {
        hs->mcp->assume_initialized(std::string(req.header("MCP-Protocol-Version").value_or(protocol::latest_version)));
      }
      if (!request) {
        hs->mcp->receive(std::move(message), origin);
        hs->close();
        return ch->respond({202, {}, {}});
      }
      hs->open_request_stream(request->id, ch, options.always_stream);
      auto mcp = hs->mcp;  // the session lets go of itself once it has answered
      mcp->receive(std::move(message), origin);
      return;
    }

    std::shared_ptr<http_session> hs;
    if (is_initialize) {
      std::lock_guard lock(mutex);
      if (sessions.size() >= options.max_sessions) {
        return ch->respond(error_response(503, "Service Unavailable: too many sessions"));
      }
      hs = std::make_shared<http_session>(new_session_id(), options);
      hs->mcp = srv.connect(hs, hs->id());
      sessions.emplace(hs->id(), hs);
    } else {
      auto sid = req.header("Mcp-Session-Id");
      if (!sid) return ch->respond(error_response(400, "Bad Request: Mcp-Session-Id header is required"));
      hs = find(*sid);
      if (!hs) return ch->respond(error_response(404, "Not Found: unknown or terminated session", -32001));
    }
    hs->last_activity = std::chrono::steady_clock::now();
    if (!request) {
      hs->mcp->receive(std::move(message), origin);
      return ch->respond({202, {{"Mcp-Session-Id", hs->id()}}, {}});
    }
    hs->open_request_stream(request->id, ch, options.always_stream);
    hs->mcp->receive(std::move(message), origin);
  }

  void get(const http_request& req, const std::shared_ptr<response_channel>& ch) {
    if (options.stateless) return ch->respond(error_response(405, "Method Not Allowed: this endpoint is stateless"));
    if (!accepts(req.header("Accept").value_or(""), "text/event-stream")) {
      return ch->respond(error_response(406, "Not Acceptable: Accept must list text/event-stream"));
    }
    auto sid = req.header("Mcp-Session-Id");
    if (!sid) return ch->respond(error_response(400, "Bad Request: Mcp-Session-Id header is required"));
    auto hs = find(*sid);
    if (!hs) return ch->respond(error_response(404, "Not Found: unknown or terminated session", -32001));
    switch (hs->open_get_stream(ch, req.header("Last-Event-ID"))) {
      case http_session::get_result::opened: return;
      case http_session::get_result::conflict:
        return ch->respond(error_response(409, "Conflict: the session already has a standalone stream"));
      case http_session::get_result::unknown_event:
        return ch->respond(error_response(400, "Bad Request: malformed Last-Event-ID"));
    }
  }

  void del(const http_request& req, const std::shared_ptr<response_channel>& ch) {
    if (options.stateless) return ch->respond(error_response(405, "Method Not Allowed: this endpoint is stateless"));
    auto sid = req.header("Mcp-Session-Id");
    if (!sid) return ch->respond(error_response(400, "Bad Request: Mcp-Session-Id header is required"));
    std::shared_ptr<http_session> hs;
    {
      std::lock_guard lock(mutex);
      auto it = sessions.find(*sid);
      if (it == sessions.end()) return ch->respond(error_response(404, "Not Found: unknown or terminated session", -32001));
      hs = it->second;
      sessions.erase(it);
    }
    ch->respond({200, {}, {}});
    hs->close();
  }
};

mcp_endpoint::mcp_endpoint(server::server& srv, endpoint_options options)
    : impl_(std::make_shared<impl>(srv, std::move(options))) {}

mcp_endpoint::~mcp_endpoint() { shutdown(); }

const endpoint_options& mcp_endpoint::options() const noexcept { return impl_->options; }

void mcp_endpoint::handle(http_request request, std::shared_ptr<response_channel> channel) {
  try {
    impl_->handle(std::move(request), channel);
  } catch (const std::exception& e) {
    channel->respond(error_response(500, std::string("Internal Server Error: ") + e.what(), jsonrpc::error_codes::internal_error));
  }
}

std::size_t mcp_endpoint::session_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions.size();
}

void mcp_endpoint::shutdown() {
  std::map<std::string, std::shared_ptr<http_session>, std::less<>> all;
  {
    std::lock_guard lock(impl_->mutex);
    all.swap(impl_->sessions);
  }
  for (auto& [id, s] : all) s->close();
}

void mcp_endpoint::set_allowed(std::vector<std::string> hosts, std::vector<std::string> origins) {
  std::lock_guard lock(impl_->mutex);
  impl_->options.allowed_hosts = std::move(hosts);
  impl_->options.allowed_origins = std::move(origins);
}

}  // namespace lumen::transport
