// One MCP session over Streamable HTTP: routing of outgoing messages to HTTP streams.
#include "http_session.hpp"

#include <lumen/protocol/version.hpp>
#include <lumen/transport/sse.hpp>
#include <lumen/transport/sse_polling.hpp>

namespace lumen::transport::detail {

std::string json_array_of(const std::vector<std::string>& messages) {
  std::string out = "[";
  for (const auto& m : messages) out.append(out.size() > 1 ? "," : "").append(m);
  out += ']';
  return out;
}

http_session::http_session(std::string id, http_session_config config) : id_(std::move(id)), config_(std::move(config)) {}

http_session::~http_session() = default;

void http_session::attach(std::shared_ptr<server::session> mcp) {
  std::lock_guard lock(mutex_);
  mcp_ = std::move(mcp);
}

std::shared_ptr<server::session> http_session::mcp() const {
  std::lock_guard lock(mutex_);
  return mcp_;
}

header_fields http_session::session_headers() const {
  header_fields h;
  if (!id_.empty()) h.emplace_back("Mcp-Session-Id", id_);
  return h;
}

bool http_session::wants_priming() const {
  // A priming event (an id and empty data) lets a client resume before the first message; clients
  // of revisions before 2025-11-25 may not expect empty data, so only newer ones get it.
  return config_.events && mcp_ && mcp_->protocol_version() >= protocol::version_2025_11_25;
}

http_session::open_result http_session::open_request_stream(const jsonrpc::request_id& rid,
                                                             std::shared_ptr<response_channel> channel, bool stream_now) {
  std::lock_guard lock(mutex_);
  last_activity_ = std::chrono::steady_clock::now();
  if (closed_ || requests_.size() >= config_.max_requests) return open_result::too_many_requests;
  auto [it, inserted] = requests_.try_emplace(rid);
  if (!inserted) return open_result::id_in_use;
  it->second = new_stream_locked(std::move(channel), stream_now);
  return open_result::opened;
}

http_session::open_result http_session::open_batch_stream(const std::vector<jsonrpc::request_id>& rids,
                                                           std::vector<std::string> errors,
                                                           std::shared_ptr<response_channel> channel, bool stream_now) {
  std::lock_guard lock(mutex_);
  last_activity_ = std::chrono::steady_clock::now();
  if (closed_ || requests_.size() + rids.size() > config_.max_requests) return open_result::too_many_requests;
  for (const auto& rid : rids) {
    if (requests_.contains(rid)) return open_result::id_in_use;
  }
  auto s = new_stream_locked(std::move(channel), stream_now);
  s->batch = std::make_unique<batch_answers>();
  s->batch->answers = std::move(errors);
  s->batch->outstanding = rids.size();
  for (const auto& rid : rids) requests_[rid] = s;
  return open_result::opened;
}

std::shared_ptr<http_session::stream> http_session::new_stream_locked(std::shared_ptr<response_channel> channel,
                                                                      bool stream_now) {
  auto s = std::make_shared<stream>();
  s->number = next_stream_++;
  s->channel = std::move(channel);
  if (stream_now) begin_stream_locked(*s);
  return s;
}

void http_session::begin_stream_locked(stream& s) {
  s.streaming = true;
  if (!s.channel) return;
  s.channel->start_stream(session_headers());
  if (wants_priming()) {
    s.channel->send(format_priming_event(event_id{s.number, s.next_seq - 1}.to_string(), config_.sse_retry));
  }
}

void http_session::emit_locked(stream& s, const std::string& message) {
  event_id eid{s.number, s.next_seq++};
  std::string id = eid.to_string();
  if (config_.events) config_.events->append(id_, eid, message);
  // A client that went away is not a cancellation: the event stays in the store for resumption.
  if (s.channel && !s.channel->send(format_sse_event(id, message))) s.channel.reset();
}

void http_session::ended_without_answer(const jsonrpc::request_id& id) {
  std::shared_ptr<server::session> released;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  auto s = it->second;
  if (s->batch) {
    batch_member_done_locked(*s, std::nullopt);
  } else {
    end_unanswered_locked(*s);
  }
  released = forget_request_locked(it);
}

// The POST ends as a stream without an answer (SSE, or an empty one when nothing came yet).
void http_session::end_unanswered_locked(stream& s) {
  if (!s.streaming) begin_stream_locked(s);
  if (s.channel) s.channel->end_stream();
}

// A stateless session serves one request: it lets go of the MCP session once that is answered
// (breaks the cycle session -> sink -> session; the handler still holds the session while it
// returns). What it returns is to be destroyed after the lock is released.
std::shared_ptr<server::session> http_session::forget_request_locked(
    std::unordered_map<jsonrpc::request_id, std::shared_ptr<stream>>::iterator it) {
  requests_.erase(it);
  if (id_.empty() && requests_.empty()) return std::move(mcp_);
  return nullptr;
}

// One of a batch's requests is done (`answer`: none when it was cancelled); the batch is answered
// when the last one is, with the answers that came, or its stream simply ends if none did.
void http_session::batch_member_done_locked(stream& s, std::optional<std::string> answer) {
  if (answer) s.batch->answers.push_back(std::move(*answer));
  if (--s.batch->outstanding > 0) return;
  if (s.batch->answers.empty()) return end_unanswered_locked(s);
  answer_locked(s, json_array_of(s.batch->answers));
}

// A POST's final answer: a plain JSON answer when nothing came before it, else the stream's last
// event.
void http_session::answer_locked(stream& s, std::string message) {
  if (!s.streaming) {
    if (!s.channel) return;
    header_fields h;
    h.reserve(2);
    if (!id_.empty()) h.emplace_back("Mcp-Session-Id", id_);
    h.emplace_back("Content-Type", "application/json");
    s.channel->respond({200, std::move(h), std::move(message)});
    return;
  }
  emit_locked(s, message);
  if (s.channel) s.channel->end_stream();
}

void http_session::flush_pending_locked() {
  while (!pending_.empty() && standalone_.channel) {
    emit_locked(standalone_, pending_.front());
    pending_.pop_front();
  }
}

void http_session::send(std::string message, const server::outgoing_context& ctx) {
  std::shared_ptr<server::session> released;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  last_activity_ = std::chrono::steady_clock::now();
  if (ctx.related_request) {
    auto it = requests_.find(*ctx.related_request);
    if (it != requests_.end()) {
      auto s = it->second;
      if (ctx.is_final_response && s->batch) {
        batch_member_done_locked(*s, std::move(message));
      } else if (ctx.is_final_response) {
        answer_locked(*s, std::move(message));
      } else {
        if (!s->streaming) begin_stream_locked(*s);
        emit_locked(*s, message);
      }
      if (ctx.is_final_response) released = forget_request_locked(it);
      return;
    }
  }
  if (closed_) return;
  // Not tied to an open request: the standalone GET stream. Once a client has opened it, every
  // message gets its event id and goes to the store even while the stream is down, so a client
  // that lost the stream resumes with Last-Event-ID and misses nothing (within the store's limits).
  if (standalone_.channel && !standalone_.channel->is_open()) standalone_.channel.reset();
  if (standalone_.channel || (standalone_.streaming && config_.events)) {
    emit_locked(standalone_, message);
    return;
  }
  pending_.push_back(std::move(message));
  if (pending_.size() > config_.max_pending_messages) pending_.pop_front();
}

http_session::resume_result http_session::open_get_stream(std::shared_ptr<response_channel> channel,
                                                           std::optional<std::string_view> last_event_id) {
  std::optional<event_id> resume;
  if (last_event_id) {
    resume = event_id::parse(*last_event_id);
    if (!resume) return resume_result::bad_event_id;
  }
  std::lock_guard lock(mutex_);
  last_activity_ = std::chrono::steady_clock::now();
  auto replay = [&](const event_id& after) {
    if (!config_.events) return;
    config_.events->replay_after(id_, after, [&](const event_id& id, std::string_view message) {
      channel->send(format_sse_event(id.to_string(), message));
    });
  };
  channel->start_stream(session_headers());
  if (resume && resume->stream != 0) {
    replay(*resume);
    for (auto& [rid, s] : requests_) {
      if (s->number == resume->stream) {
        // Still in progress: the rest of its messages come on this connection.
        if (s->channel && s->channel != channel) s->channel->end_stream();
        s->channel = std::move(channel);
        s->streaming = true;
        return resume_result::opened;
      }
    }
    // That request has been answered: everything was replayed.
    channel->end_stream();
    return resume_result::opened;
  }
  // The standalone stream (a newer GET replaces an older one: a message goes on one stream only).
  if (standalone_.channel && standalone_.channel != channel) standalone_.channel->end_stream();
  if (resume) {
    replay(*resume);
  } else if (wants_priming()) {
    channel->send(format_priming_event(event_id{0, standalone_.next_seq - 1}.to_string(), config_.sse_retry));
  }
  standalone_.channel = std::move(channel);
  standalone_.streaming = true;
  flush_pending_locked();
  return resume_result::opened;
}

bool http_session::close_request_stream(const jsonrpc::request_id& rid) {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(rid);
  if (it == requests_.end() || !config_.events) return false;
  auto& s = *it->second;
  if (!s.streaming) begin_stream_locked(s);
  if (!s.channel) return false;
  s.channel->end_stream();
  s.channel.reset();
  return true;
}

bool http_session::idle_for(std::chrono::steady_clock::duration timeout) const {
  std::lock_guard lock(mutex_);
  if (!requests_.empty() || (standalone_.channel && standalone_.channel->is_open())) return false;
  return std::chrono::steady_clock::now() - last_activity_ > timeout;
}

void http_session::touch() {
  std::lock_guard lock(mutex_);
  last_activity_ = std::chrono::steady_clock::now();
}

void http_session::close(std::chrono::milliseconds grace) {
  std::shared_ptr<server::session> s;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    s = mcp_;
  }
  // Handlers may still answer while they wind down; their streams end afterwards.
  if (s) s->close(grace);
  std::lock_guard lock(mutex_);
  for (auto& [rid, st] : requests_) {
    // A batch's requests share one stream: it is ended once (its channel is let go below).
    if (!st->channel) continue;
    if (st->streaming) {
      st->channel->end_stream();
    } else {
      st->channel->respond({503, {{"Content-Type", "application/json"}},
                            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Service Unavailable: the session ended"}})"});
    }
    st->channel.reset();
  }
  requests_.clear();
  if (standalone_.channel) standalone_.channel->end_stream();
  standalone_.channel.reset();
  pending_.clear();
  if (config_.events && !id_.empty()) config_.events->erase_session(id_);
  mcp_.reset();  // breaks the cycle session -> sink -> session
}

}  // namespace lumen::transport::detail

namespace lumen::transport {

bool close_sse_stream(const server::request_context& ctx) {
  // The session's sink is its http_session when it is served over Streamable HTTP; the session
  // holds it, so it lives while the handler (and `ctx`) does.
  auto* hs = dynamic_cast<detail::http_session*>(ctx.owning_session().sink());
  return hs != nullptr && hs->close_request_stream(ctx.id());
}

}  // namespace lumen::transport
