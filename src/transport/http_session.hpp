// Private to the Streamable HTTP endpoint: one MCP session as seen over HTTP. It is the session's
// message sink and routes each outgoing message to the HTTP stream it belongs to: the POST stream
// of the request it relates to, or the standalone GET stream; it keeps sent events for resumption.
#pragma once

#include <lumen/server/session.hpp>
#include <lumen/transport/event_store.hpp>
#include <lumen/transport/http_message.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace lumen::transport::detail {

struct http_session_config {
  std::size_t max_requests = 64;
  std::size_t max_pending_messages = 1024;
  std::chrono::milliseconds sse_retry{1000};
  std::shared_ptr<event_store> events;  // nullptr: no resumption (stateless)
};

/// Serialized JSON-RPC messages as one JSON array (a batch's answer), without parsing them again.
std::string json_array_of(const std::vector<std::string>& messages);

class http_session final : public server::message_sink, public std::enable_shared_from_this<http_session> {
 public:
  http_session(std::string id, http_session_config config);
  ~http_session() override;

  /// Connects the MCP session whose sink this is.
  void attach(std::shared_ptr<server::session> mcp);
  const std::string& id() const noexcept { return id_; }
  std::shared_ptr<server::session> mcp() const;

  enum class open_result { opened, too_many_requests, id_in_use };
  /// Registers the POST that will carry request `rid`'s answers. Refused when the session has too
  /// many requests in flight, or one with the same id: that one's stream would be taken over and
  /// its answer lost.
  open_result open_request_stream(const jsonrpc::request_id& rid, std::shared_ptr<response_channel> channel,
                                  bool stream_now);

  /// Registers the POST of a JSON-RPC batch (revision 2025-03-26) carrying requests `rids`:
  /// their messages share its stream, and their final answers go back together as one JSON array,
  /// after `errors` (the answers to the batch's invalid elements, already serialized).
  open_result open_batch_stream(const std::vector<jsonrpc::request_id>& rids, std::vector<std::string> errors,
                                std::shared_ptr<response_channel> channel, bool stream_now);

  enum class resume_result { opened, bad_event_id };
  /// A GET: the standalone stream, or the resumption of a stream after `last_event_id`.
  resume_result open_get_stream(std::shared_ptr<response_channel> channel, std::optional<std::string_view> last_event_id);

  /// Ends the SSE stream of request `rid` (starting it first); false when there is none.
  bool close_request_stream(const jsonrpc::request_id& rid);

  /// Whether the session has been idle (no traffic, no open stream, no request) for `timeout`.
  bool idle_for(std::chrono::steady_clock::duration timeout) const;
  void touch();

  /// Ends every stream, forgets stored events and closes the MCP session (handlers get `grace`).
  void close(std::chrono::milliseconds grace);

  // message_sink
  void send(std::string message, const server::outgoing_context& context) override;
  void ended_without_answer(const jsonrpc::request_id& id) override;

 private:
  // A batch's answers, collected until the last of its requests is answered.
  struct batch_answers {
    std::vector<std::string> answers;
    std::size_t outstanding = 0;
  };
  struct stream {
    std::uint64_t number = 0;
    std::shared_ptr<response_channel> channel;
    bool streaming = false;
    std::uint64_t next_seq = 1;
    std::unique_ptr<batch_answers> batch;  // only for a batch's POST
  };

  header_fields session_headers() const;
  bool wants_priming() const;
  void begin_stream_locked(stream& s);
  void emit_locked(stream& s, const std::string& message);
  void flush_pending_locked();
  std::shared_ptr<stream> new_stream_locked(std::shared_ptr<response_channel> channel, bool stream_now);
  void answer_locked(stream& s, std::string message);
  void end_unanswered_locked(stream& s);
  void batch_member_done_locked(stream& s, std::optional<std::string> answer);
  std::shared_ptr<server::session> forget_request_locked(
      std::unordered_map<jsonrpc::request_id, std::shared_ptr<stream>>::iterator it);

  const std::string id_;
  const http_session_config config_;
  mutable std::mutex mutex_;
  std::shared_ptr<server::session> mcp_;
  std::unordered_map<jsonrpc::request_id, std::shared_ptr<stream>> requests_;
  stream standalone_;  // number 0
  std::uint64_t next_stream_ = 1;
  std::deque<std::string> pending_;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  bool closed_ = false;
};

}  // namespace lumen::transport::detail
