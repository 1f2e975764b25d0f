// WWW-Authenticate parsing (RFC 9110 §11.6.1 and §5.6: tokens, quoted strings, token68).
#include <lumen/client/oauth/www_authenticate.hpp>

#include <cctype>

namespace lumen::client::oauth {

namespace {

bool is_token_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token68_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class cursor {
 public:
  explicit cursor(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t p) { pos_ = p; }
  void skip_spaces() {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  std::string_view token() {
    auto start = pos_;
    while (!done() && is_token_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // An unquoted value. RFC 9110 asks for a token, but servers send unquoted URLs too
  // (resource_metadata=https://...), so anything up to a separator is taken.
  std::string_view bare_value() {
    auto start = pos_;
    while (!done() && text_[pos_] != ',' && text_[pos_] != ' ' && text_[pos_] != '\t' && text_[pos_] != '"') ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // A quoted-string with backslash escapes; std::nullopt when it does not end.
  std::optional<std::string> quoted() {
    ++pos_;  // the opening quote
    std::string value;
    while (!done()) {
      char c = text_[pos_++];
      if (c == '"') return value;
      if (c == '\\') {
        if (done()) return std::nullopt;
        c = text_[pos_++];
      }
      value += c;
    }
    return std::nullopt;
  }
  // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", ending the challenge.
  std::optional<std::string_view> token68() {
    auto start = pos_;
    while (!done() && is_token68_char(text_[pos_])) ++pos_;
    if (pos_ == start) return std::nullopt;
    while (!done() && text_[pos_] == '=') ++pos_;
    auto end = pos_;
    skip_spaces();
    if (!done() && peek() != ',') {
      pos_ = start;
      return std::nullopt;
    }
    return text_.substr(start, end - start);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Skips the list separators between elements: commas and spaces.
void skip_separators(cursor& in) {
  while (!in.done() && (in.peek() == ',' || in.peek() == ' ' || in.peek() == '\t')) in.seek(in.pos() + 1);
}

}  // namespace

std::optional<std::string> auth_challenge::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::vector<auth_challenge>> parse_www_authenticate(std::string_view header) {
  std::vector<auth_challenge> challenges;
  cursor in(header);
  skip_separators(in);
  while (!in.done()) {
    auth_challenge challenge;
    challenge.scheme = std::string(in.token());
    if (challenge.scheme.empty()) return std::nullopt;
    bool had_space = in.peek() == ' ' || in.peek() == '\t';
    in.skip_spaces();
    if (!in.done() && in.peek() != ',' && !had_space) return std::nullopt;  // e.g. "Bearer\"x\""
    // A token68 (e.g. "Basic dXNlcg==") or a list of auth-params.
    if (auto t68 = in.token68()) {
      // "name=value" also looks like token68 up to the '='; it is one only if nothing follows.
      challenge.token68 = std::string(*t68);
    } else {
      while (!in.done() && in.peek() != ',') {
        auto start = in.pos();
        auto name = in.token();
        if (name.empty()) return std::nullopt;
        in.skip_spaces();
        if (in.peek() != '=') {
          // Not a parameter: the scheme of the next challenge (challenges may follow params).
          in.seek(start);
          break;
        }
        in.seek(in.pos() + 1);
        in.skip_spaces();
        std::string value;
        if (in.peek() == '"') {
          auto q = in.quoted();
          if (!q) return std::nullopt;
          value = std::move(*q);
        } else {
          value = std::string(in.bare_value());
          if (value.empty()) return std::nullopt;
        }
        challenge.params.emplace_back(lowercase(name), std::move(value));
        in.skip_spaces();
        if (in.done()) break;
        if (in.peek() != ',') return std::nullopt;
        skip_separators(in);
      }
    }
    challenges.push_back(std::move(challenge));
    skip_separators(in);
  }
  return challenges;
}

std::optional<bearer_challenge> find_bearer_challenge(std::string_view header) {
  auto challenges = parse_www_authenticate(header);
  if (!challenges) return std::nullopt;
  for (const auto& c : *challenges) {
    if (lowercase(c.scheme) != "bearer") continue;
    bearer_challenge bearer;
    bearer.resource_metadata = c.param("resource_metadata").value_or("");
    bearer.scope = c.param("scope").value_or("");
    bearer.error = c.param("error").value_or("");
    bearer.error_description = c.param("error_description").value_or("");
    return bearer;
  }
  return std::nullopt;
}

}  // namespace lumen::client::oauth
