// OTLP/HTTP exporter: a keep-alive Boost.Beast client on the exporting thread, retries with
// exponential backoff and jitter on 429/502/503/504 (honouring Retry-After), gzip on request.
#include <lumen/exporter/otlp.hpp>

#include <lumen/exporter/detail/protobuf_writer.hpp>

#include <lumen/core/key_value_list.hpp>
#include <lumen/json.hpp>
#include <lumen/log.hpp>
#include <lumen/core/env.hpp>
#include <lumen/trace/ids.hpp>
#include <lumen/version.hpp>

#include <boost/asio/connect.hpp>
#include <boost/system/system_error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#ifdef LUMEN_HAVE_ZLIB
#include <zlib.h>
#endif

namespace lumen::exporter {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::string> first_env(std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = core::env::get(n)) return v;
  }
  return std::nullopt;
}

#ifdef LUMEN_HAVE_ZLIB
std::string gzip(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::string(in);
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
#endif

// ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64
// rejected_spans = 1; string error_message = 2; } }, in protobuf or JSON.
std::pair<std::int64_t, std::string> partial_success(const std::string& body, bool json_body) {
  if (body.empty()) return {0, {}};
  if (json_body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return {0, {}};
    auto const* ps = v.get_object().if_contains("partialSuccess");
    if (!ps || !ps->is_object()) return {0, {}};
    std::int64_t n = 0;
    if (auto const* r = ps->get_object().if_contains("rejectedSpans")) {
      if (r->is_string()) n = std::atoll(r->get_string().c_str());
      if (r->is_int64()) n = r->get_int64();
    }
    return {n, std::string(lumen::get_string(ps->get_object(), "errorMessage").value_or(""))};
  }
  std::string_view in(body);
  std::uint64_t key = 0, len = 0;
  if (!detail::read_varint(in, key) || key != ((1 << 3) | 2) || !detail::read_varint(in, len) || len > in.size()) return {0, {}};
  std::string_view msg = in.substr(0, len);
  std::int64_t rejected = 0;
  std::string message;
  while (!msg.empty()) {
    if (!detail::read_varint(msg, key)) break;
    if (key == ((1 << 3) | 0)) {
      std::uint64_t v = 0;
      if (!detail::read_varint(msg, v)) break;
      rejected = static_cast<std::int64_t>(v);
    } else if (key == ((2 << 3) | 2)) {
      if (!detail::read_varint(msg, len) || len > msg.size()) break;
      message = std::string(msg.substr(0, len));
      msg.remove_prefix(len);
    } else {
      break;
    }
  }
  return {rejected, message};
}

int month_number(std::string_view m) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == months[i]) return i + 1;
  }
  return 0;
}

// An HTTP-date (RFC 9110 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms.
std::optional<std::chrono::system_clock::time_point> parse_http_date(const std::string& s) {
  char weekday[16] = {}, month[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, n = 0;
  bool ok = false;
  // Sun, 06 Nov 1994 08:49:37 GMT
  if (std::sscanf(s.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", weekday, &day, month, &year, &hour,
                  &minute, &second, &n) == 7 &&
      static_cast<std::size_t>(n) == s.size()) {
    ok = true;
  } else if (n = 0; std::sscanf(s.c_str(), "%15[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n", weekday, &day, month,
                                &year, &hour, &minute, &second, &n) == 7 &&
                    static_cast<std::size_t>(n) == s.size()) {
    // Sunday, 06-Nov-94 08:49:37 GMT: a two-digit year more than 50 years ahead is in the past.
    int now_year = static_cast<int>(std::chrono::year_month_day(
                                        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()))
                                        .year());
    year += now_year / 100 * 100;
    if (year > now_year + 50) year -= 100;
    ok = true;
  } else if (n = 0; std::sscanf(s.c_str(), "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", weekday, month, &day, &hour,
                                &minute, &second, &year, &n) == 7 &&
                    static_cast<std::size_t>(n) == s.size()) {
    // Sun Nov  6 08:49:37 1994
    ok = true;
  }
  int m = month_number(month);
  if (!ok || m == 0 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(m)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return std::chrono::milliseconds(std::chrono::seconds(999999999));
    return std::chrono::milliseconds(std::chrono::seconds(std::stol(v)));
  }
  auto date = parse_http_date(v);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(*date - now);
}

namespace {

// OTEL_EXPORTER_OTLP_TRACES_<SUFFIX> or OTEL_EXPORTER_OTLP_METRICS_<SUFFIX>.
std::string signal_variable(otlp_signal signal, std::string_view suffix) {
  std::string name = signal == otlp_signal::traces ? "OTEL_EXPORTER_OTLP_TRACES_" : "OTEL_EXPORTER_OTLP_METRICS_";
  name += suffix;
  return name;
}

// The per-signal variable, else the generic one.
std::optional<std::string> signal_env(otlp_signal signal, std::string_view suffix) {
  const std::string specific = signal_variable(signal, suffix);
  const std::string generic = "OTEL_EXPORTER_OTLP_" + std::string(suffix);
  return first_env({specific.c_str(), generic.c_str()});
}

}  // namespace

bool otlp_http_options::configured_in_environment(otlp_signal signal) {
  return core::env::get("OTEL_EXPORTER_OTLP_ENDPOINT").has_value() ||
         core::env::get(signal_variable(signal, "ENDPOINT").c_str()).has_value();
}

namespace {
std::string_view signal_path(otlp_signal signal) { return signal == otlp_signal::traces ? "/v1/traces" : "/v1/metrics"; }
}  // namespace

otlp_http_options otlp_http_options::for_signal(otlp_signal signal) {
  otlp_http_options o;
  o.url = "http://localhost:4318" + std::string(signal_path(signal));
  return o;
}

otlp_http_options otlp_http_options::from_environment(otlp_signal signal) {
  otlp_http_options o = for_signal(signal);
  const std::string_view path = signal_path(signal);
  if (auto e = core::env::get(signal_variable(signal, "ENDPOINT").c_str())) {
    o.url = *e;
  } else if (auto base = core::env::get("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    std::string b = *base;
    if (!b.empty() && b.back() == '/') b.pop_back();
    o.url = b + std::string(path);
  }
  if (auto p = signal_env(signal, "PROTOCOL")) {
    if (*p == "http/json") {
      o.protocol = otlp_protocol::http_json;
    } else if (*p != "http/protobuf") {
      core::env::warn_once("OTEL_EXPORTER_OTLP_PROTOCOL", *p, "http/protobuf or http/json (grpc is not built in); using http/protobuf");
    }
  }
  if (auto h = signal_env(signal, "HEADERS")) {
    for (auto& [name, value] : core::parse_key_value_list(*h).entries) o.headers.emplace_back(std::move(name), std::move(value));
  }
  const std::string timeout_variable = signal_variable(signal, "TIMEOUT");
  if (core::env::get(timeout_variable.c_str())) {
    o.timeout = core::env::get_millis(timeout_variable.c_str(), o.timeout);
  } else {
    o.timeout = core::env::get_millis("OTEL_EXPORTER_OTLP_TIMEOUT", o.timeout);
  }
  if (auto c = signal_env(signal, "COMPRESSION")) {
    if (*c == "gzip") {
#ifdef LUMEN_HAVE_ZLIB
      o.gzip = true;
#else
      core::env::warn_once("OTEL_EXPORTER_OTLP_COMPRESSION", *c, "none (this build has no zlib)");
#endif
    } else if (*c != "none") {
      core::env::warn_once("OTEL_EXPORTER_OTLP_COMPRESSION", *c, "gzip or none");
    }
  }
  return o;
}

struct otlp_http_client::connection {
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  std::string host, port, target, host_header;
  beast::flat_buffer buffer;

  void close() {
    if (stream) {
      beast::error_code ec;
      stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      stream.reset();
    }
  }
};

otlp_http_client::otlp_http_client(otlp_http_options options)
    : options_(std::move(options)), connection_(std::make_unique<connection>()) {
  auto url = boost::urls::parse_uri(options_.url);
  if (!url || url->scheme() != "http") {
    throw std::invalid_argument("OTLP endpoint must be an http:// URL (got \"" + options_.url + "\")");
  }
  connection_->host = url->host();
  connection_->port = url->has_port() ? std::string(url->port()) : "80";
  connection_->target = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  connection_->host_header = connection_->host + ":" + connection_->port;
}

otlp_http_client::~otlp_http_client() = default;

void otlp_http_client::close() {
  closed_ = true;
  connection_->close();
}

otlp_http_exporter::otlp_http_exporter(otlp_http_options options) : client_(std::move(options)) {}

otlp_http_exporter::~otlp_http_exporter() = default;

void otlp_http_exporter::shutdown() { client_.close(); }

sdk::export_result otlp_http_exporter::export_spans(const std::vector<std::unique_ptr<sdk::span_data>>& batch) {
  return export_spans_until(batch, std::chrono::steady_clock::time_point::max());
}

sdk::export_result otlp_http_exporter::export_spans_until(const std::vector<std::unique_ptr<sdk::span_data>>& batch,
                                                     std::chrono::steady_clock::time_point deadline) {
  if (batch.empty()) return sdk::export_result::success;
  const bool json_body = client_.options().protocol == otlp_protocol::http_json;
  std::optional<std::string> response;
  if (json_body) {
    response = client_.post(encode_otlp_json(batch), json_body, deadline);
  } else {
    detail::encode_otlp_protobuf(batch, body_);
    response = client_.post_view(body_.view(), json_body, deadline);
    // Keep a batch's worth of storage, not the peak of an unusually large one.
    constexpr std::size_t kept_capacity = 4u << 20;
    if (body_.capacity() > kept_capacity) body_.release();
  }
  if (!response) {
    failed_ += batch.size();
    log::write(log::level::error, "dropped " + std::to_string(batch.size()) + " spans");
    return sdk::export_result::failure;
  }
  // A partial success names rejected spans; log it, do not retry.
  if (auto rejected = partial_success(*response, json_body); rejected.first > 0) {
    failed_ += static_cast<std::uint64_t>(rejected.first);
    log::write(log::level::warning, "OTLP partial success: the collector rejected " + std::to_string(rejected.first) +
                                        " spans" + (rejected.second.empty() ? "" : ": " + rejected.second));
  }
  return sdk::export_result::success;
}

std::optional<std::string> otlp_http_client::post(std::string body, bool json_body,
                                                  std::chrono::steady_clock::time_point deadline) {
  return post_view(body, json_body, deadline);
}

std::optional<std::string> otlp_http_client::post_view(std::string_view body, bool json_body,
                                                       std::chrono::steady_clock::time_point export_deadline) {
  using steady = std::chrono::steady_clock;
  if (closed_) return std::nullopt;
#ifdef LUMEN_HAVE_ZLIB
  std::string compressed;
  if (options_.gzip) {
    compressed = gzip(body);
    body = compressed;
  }
#endif
  // One request for every attempt (writing it leaves it as it was), pointing at `body`: a
  // string_body would copy it.
  using body_type = http::span_body<const char>;
  http::request<body_type> req{http::verb::post, connection_->target, 11};
  req.set(http::field::host, connection_->host_header);
  req.set(http::field::user_agent, "lumen-otlp/" LUMEN_VERSION_STRING);
  req.set(http::field::content_type, json_body ? "application/json" : "application/x-protobuf");
  if (options_.gzip) req.set(http::field::content_encoding, "gzip");
  for (const auto& [k, v] : options_.headers) req.set(k, v);
  req.body() = body_type::value_type(body.data(), body.size());
  req.prepare_payload();
  auto backoff = options_.initial_backoff;
  auto& c = *connection_;
  const auto deadline = std::min(export_deadline, steady::now() + options_.timeout * (options_.max_retries + 1));
  auto give_up = [&](const std::string& why) -> std::optional<std::string> {
    log::write(log::level::error, "OTLP export to " + options_.url + " failed (" + why + ")");
    return std::nullopt;
  };
  for (int attempt = 0;; ++attempt) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    if (left.count() <= 0) return give_up("the export deadline passed");
    const auto attempt_timeout = std::min(options_.timeout, left);
    std::string failure;
    std::optional<std::chrono::milliseconds> retry_after;
    bool retryable = true;
    try {
      http::response<http::string_body> res;
      // Asynchronous operations driven with run_for(): synchronous socket calls have no timeout.
      beast::error_code ec;
      bool done = false;
      auto on_read = [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
      };
      auto on_write = [&](beast::error_code e, std::size_t) {
        if (e) {
          ec = e;
          done = true;
          return;
        }
        http::async_read(*c.stream, c.buffer, res, on_read);
      };
      auto send = [&] { http::async_write(*c.stream, req, on_write); };
      if (!c.stream) {
        c.stream.emplace(c.io);
        asio::ip::tcp::resolver resolver(c.io);
        auto endpoints = resolver.resolve(c.host, c.port);
        c.stream->async_connect(endpoints, [&](beast::error_code e, const asio::ip::tcp::endpoint&) {
          if (e) {
            ec = e;
            done = true;
            return;
          }
          send();
        });
      } else {
        send();
      }
      c.io.restart();
      c.io.run_for(attempt_timeout);
      if (!done) {
        c.close();
        c.io.restart();
        c.io.run_for(std::chrono::milliseconds(100));  // let the cancelled handlers finish
        throw std::runtime_error("timed out after " + std::to_string(attempt_timeout.count()) + " ms");
      }
      if (ec) throw boost::system::system_error(ec);
      if (!res.keep_alive()) c.close();
      unsigned status = res.result_int();
      if (status >= 200 && status < 300) return std::move(res.body());
      failure = "HTTP " + std::to_string(status);
      retryable = status == 429 || status == 502 || status == 503 || status == 504;
      if (auto ra = res.find(http::field::retry_after); ra != res.end()) {
        retry_after = parse_retry_after(std::string_view(ra->value().data(), ra->value().size()),
                                        std::chrono::system_clock::now());
      }
    } catch (const boost::system::system_error& e) {
      failure = e.code().message();  // what() adds Asio's source location, which helps no one
      c.close();
    } catch (const std::exception& e) {
      failure = e.what();
      c.close();
    }
    if (!retryable || attempt >= options_.max_retries || closed_) return give_up(failure);
    // Exponential backoff with full jitter, or the server's Retry-After; never a retry sooner
    // than asked, so a wait past the deadline means giving up.
    auto jittered = std::chrono::milliseconds(static_cast<std::int64_t>(trace::random_u64() % static_cast<std::uint64_t>(backoff.count() + 1)));
    auto wait = retry_after.value_or(jittered);
    if (wait >= std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now())) {
      return give_up(failure + "; the next attempt, in " + std::to_string(wait.count()) + " ms, would pass the export deadline");
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace lumen::exporter
