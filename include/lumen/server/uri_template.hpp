// RFC 6570 level-1 URI templates (simple string expansion, `{var}`): the parsed form of an MCP
// resource template's `uriTemplate`, used to expand it and to match request URIs against it.
//
//   lumen::server::uri_template t("lumen://notes/{folder}/{id}");
//   t.expand({{"folder", "a b"}, {"id", "7"}});        // "lumen://notes/a%20b/7"
//   t.match("lumen://notes/a%20b/7");                   // {{"folder", "a b"}, {"id", "7"}}
//   t.match("lumen://notes/a/b/7");                     // std::nullopt: a variable never spans '/'
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lumen::server {

/// A validated RFC 6570 level-1 URI template.
///
/// Grammar accepted: literals (the RFC's `literals`: printable ASCII except space, `"`, `'`, `<`,
/// `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, with `%` only in a `%XX` triplet; bytes >= 0x80 are kept
/// as UTF-8) and expressions `{varname}` where varname = varchar *(["."] varchar) and varchar =
/// ALPHA / DIGIT / "_" / pct-encoded. Level 2-4 operators (`+ # . / ; ? &` ...), modifiers (`:n`,
/// `*`) and variable lists (`{a,b}`) are rejected.
///
/// Matching: literals must match exactly; each variable matches one or more characters other than
/// '/', '?' and '#' (which level-1 expansion always percent-encodes), shortest first with
/// backtracking; matched values are percent-decoded. A variable used twice must match the same
/// value twice.
class uri_template {
 public:
  /// Parses `text`; throws std::invalid_argument naming the problem and its offset.
  explicit uri_template(std::string_view text);

  /// Same as the constructor, for call sites that read better with a verb.
  static uri_template parse(std::string_view text) { return uri_template(text); }

  /// The template exactly as given.
  const std::string& text() const noexcept { return text_; }

  /// Distinct variable names in order of first appearance.
  const std::vector<std::string>& variable_names() const noexcept { return names_; }

  /// Substitutes each `{var}` with its value, percent-encoding (UTF-8 bytes, `%XX` uppercase) every
  /// character except the unreserved ones (ALPHA DIGIT - . _ ~). Per RFC 6570 an undefined variable
  /// expands to the empty string.
  std::string expand(const std::map<std::string, std::string>& variables) const;

  /// The variables when `uri` matches the template, else std::nullopt (also for a malformed
  /// percent-escape in a variable's part).
  std::optional<std::map<std::string, std::string>> match(std::string_view uri) const;

 private:
  struct part {
    bool is_variable;
    std::string value;  // literal text, or the variable name
  };

  bool match_from(std::size_t part_index, std::string_view uri, std::size_t pos,
                  std::map<std::string, std::string>& out, std::vector<char>& failed) const;

  std::string text_;
  std::vector<part> parts_;  // adjacent literals merged; never two literals in a row
  std::vector<std::string> names_;
  bool repeats_variable_ = false;
};

}  // namespace lumen::server
