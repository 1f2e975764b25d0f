// RFC 6570 level-1 URI templates: validation, expansion with percent-encoding, and matching with
// percent-decoding.
#include <lumen/server/uri_template.hpp>

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace lumen::server {
namespace {

using vars = std::map<std::string, std::string>;

/// The std::invalid_argument message for parsing `text` ("" when it parsed).
std::string parse_error(std::string_view text) {
  try {
    uri_template t(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Parse

TEST(UriTemplateParse, KeepsTextAndListsVariablesInOrder) {
  uri_template t("lumen://notes/{folder}/{id}");
  EXPECT_EQ(t.text(), "lumen://notes/{folder}/{id}");
  EXPECT_EQ(t.variable_names(), (std::vector<std::string>{"folder", "id"}));
  EXPECT_EQ(uri_template::parse("x{a}").variable_names(), (std::vector<std::string>{"a"}));
}

TEST(UriTemplateParse, RepeatedVariableIsListedOnce) {
  EXPECT_EQ(uri_template("{a}/{b}/{a}").variable_names(), (std::vector<std::string>{"a", "b"}));
}

TEST(UriTemplateParse, TemplateWithoutVariablesIsValid) {
  uri_template t("file:///etc/hosts");
  EXPECT_TRUE(t.variable_names().empty());
}

TEST(UriTemplateParse, AcceptsTheRfcVarnameGrammar) {
  EXPECT_EQ(uri_template("{a.b_c9}").variable_names(), (std::vector<std::string>{"a.b_c9"}));
  EXPECT_EQ(uri_template("{%41x}").variable_names(), (std::vector<std::string>{"%41x"}));
  EXPECT_EQ(uri_template("{_}").variable_names(), (std::vector<std::string>{"_"}));
  EXPECT_EQ(uri_template("{9}").variable_names(), (std::vector<std::string>{"9"}));
}

TEST(UriTemplateParse, UnbalancedBracesAreRejected) {
  EXPECT_EQ(parse_error("lumen://{id"),
            R"(invalid URI template "lumen://{id": unterminated expression: '{' at offset 8 has no '}')");
  EXPECT_EQ(parse_error("lumen://id}"), R"(invalid URI template "lumen://id}": unmatched '}' at offset 10)");
  EXPECT_EQ(parse_error("{a{b}}"),
            R"(invalid URI template "{a{b}}": '{' at offset 2 inside the expression opened at offset 0)");
  EXPECT_EQ(parse_error("{"), R"(invalid URI template "{": unterminated expression: '{' at offset 0 has no '}')");
}

TEST(UriTemplateParse, EmptyVariableNameIsRejected) {
  EXPECT_EQ(parse_error("a/{}"), R"(invalid URI template "a/{}": empty expression at offset 2)");
}

TEST(UriTemplateParse, InvalidVariableNamesAreRejected) {
  EXPECT_EQ(parse_error("{a-b}"),
            R"(invalid URI template "{a-b}": invalid character '-' in variable name at offset 2)");
  EXPECT_EQ(parse_error("{a b}"),
            R"(invalid URI template "{a b}": invalid character byte 0x20 in variable name at offset 2)");
  EXPECT_EQ(parse_error("{a..b}"),
            R"(invalid URI template "{a..b}": invalid variable name "a..b": consecutive '.' at offset 3)");
  EXPECT_EQ(parse_error("{a.}"), R"(invalid URI template "{a.}": invalid variable name "a.": ends with '.')");
  EXPECT_EQ(parse_error("{a%4}"),
            R"(invalid URI template "{a%4}": invalid percent-encoding in variable name at offset 2)");
  EXPECT_EQ(parse_error("{é}"),
            R"(invalid URI template "{é}": invalid character byte 0xC3 in variable name at offset 1)");
}

TEST(UriTemplateParse, HigherLevelSyntaxIsRejected) {
  EXPECT_EQ(parse_error("{+path}"),
            R"(invalid URI template "{+path}": operator '+' at offset 1 is not supported (level 1 templates only allow {name}))");
  EXPECT_EQ(parse_error("x{?q}"),
            R"(invalid URI template "x{?q}": operator '?' at offset 2 is not supported (level 1 templates only allow {name}))");
  EXPECT_EQ(parse_error("{.a}"),
            R"(invalid URI template "{.a}": operator '.' at offset 1 is not supported (level 1 templates only allow {name}))");
  EXPECT_EQ(parse_error("{a:3}"),
            R"(invalid URI template "{a:3}": modifier ':' at offset 2 is not supported (level 1 templates only allow {name}))");
  EXPECT_EQ(parse_error("{a*}"),
            R"(invalid URI template "{a*}": modifier '*' at offset 2 is not supported (level 1 templates only allow {name}))");
  EXPECT_EQ(parse_error("{a,b}"),
            R"(invalid URI template "{a,b}": variable list at offset 2 is not supported (level 1 templates only allow {name}))");
}

TEST(UriTemplateParse, InvalidLiteralsAreRejected) {
  EXPECT_EQ(parse_error("a b/{x}"),
            R"(invalid URI template "a b/{x}": character byte 0x20 at offset 1 is not allowed in a URI template)");
  EXPECT_EQ(parse_error("a|b"), R"(invalid URI template "a|b": character '|' at offset 1 is not allowed in a URI template)");
  EXPECT_EQ(parse_error("100%"), R"(invalid URI template "100%": invalid percent-encoding at offset 3)");
  EXPECT_EQ(parse_error("%zz{x}"), R"(invalid URI template "%zz{x}": invalid percent-encoding at offset 0)");
}

TEST(UriTemplateParse, ReservedAndNonAsciiLiteralsAreAccepted) {
  EXPECT_NO_THROW(uri_template("https://h:8/p;x=1?q=a&r=b#frag/{id}!$()*+,@[]~"));
  EXPECT_NO_THROW(uri_template("lumen://café/%20/{id}"));
}

// ---------------------------------------------------------------------------------------------
// Expand

TEST(UriTemplateExpand, SubstitutesVariables) {
  uri_template t("lumen://notes/{folder}/{id}");
  EXPECT_EQ(t.expand({{"folder", "work"}, {"id", "42"}}), "lumen://notes/work/42");
}

TEST(UriTemplateExpand, PercentEncodesEverythingButUnreserved) {
  uri_template t("x:{v}");
  EXPECT_EQ(t.expand({{"v", "AZaz09-._~"}}), "x:AZaz09-._~");
  EXPECT_EQ(t.expand({{"v", "a b/c?d#e%f&g=h+i:j@k,l;m!n'o(p)q*r$s[t]u"}}),
            "x:a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2Bi%3Aj%40k%2Cl%3Bm%21n%27o%28p%29q%2Ar%24s%5Bt%5Du");
  EXPECT_EQ(t.expand({{"v", "caf\xC3\xA9"}}), "x:caf%C3%A9");  // UTF-8 bytes, uppercase hex
}

TEST(UriTemplateExpand, RfcLevelOneExamples) {
  // RFC 6570 section 1.2, level 1: var := "value", hello := "Hello World!"
  vars v{{"var", "value"}, {"hello", "Hello World!"}};
  EXPECT_EQ(uri_template("{var}").expand(v), "value");
  EXPECT_EQ(uri_template("{hello}").expand(v), "Hello%20World%21");
}

TEST(UriTemplateExpand, UndefinedVariableExpandsToEmpty) {
  EXPECT_EQ(uri_template("a/{x}/b").expand({}), "a//b");
}

TEST(UriTemplateExpand, LiteralsAndRepeatedVariablesAreCopied) {
  EXPECT_EQ(uri_template("q?a={a}&again={a}%20").expand({{"a", "1"}}), "q?a=1&again=1%20");
}

// ---------------------------------------------------------------------------------------------
// Match

TEST(UriTemplateMatch, ExtractsASingleVariable) {
  EXPECT_EQ(uri_template("lumen://notes/{id}").match("lumen://notes/42"), (vars{{"id", "42"}}));
}

TEST(UriTemplateMatch, ExtractsMultipleVariables) {
  uri_template t("lumen://notes/{folder}/{id}.txt");
  EXPECT_EQ(t.match("lumen://notes/work/7.txt"), (vars{{"folder", "work"}, {"id", "7"}}));
  EXPECT_EQ(uri_template("db://{table}?row={row}").match("db://users?row=12"),
            (vars{{"table", "users"}, {"row", "12"}}));
}

TEST(UriTemplateMatch, LiteralMismatchDoesNotMatch) {
  uri_template t("lumen://notes/{id}");
  EXPECT_EQ(t.match("lumen://note/42"), std::nullopt);
  EXPECT_EQ(t.match("other://notes/42"), std::nullopt);
  EXPECT_EQ(uri_template("a/{x}.txt").match("a/b.md"), std::nullopt);
  EXPECT_EQ(uri_template("file:///etc/hosts").match("file:///etc/hosts"), vars{});
  EXPECT_EQ(uri_template("file:///etc/hosts").match("file:///etc/host"), std::nullopt);
}

TEST(UriTemplateMatch, VariableNeedsAtLeastOneCharacter) {
  EXPECT_EQ(uri_template("lumen://notes/{id}").match("lumen://notes/"), std::nullopt);
  EXPECT_EQ(uri_template("a/{x}/b").match("a//b"), std::nullopt);
}

TEST(UriTemplateMatch, VariableNeverMatchesSlash) {
  uri_template t("lumen://notes/{id}");
  EXPECT_EQ(t.match("lumen://notes/a/b"), std::nullopt);
  EXPECT_EQ(t.match("lumen://notes/a/"), std::nullopt);
  EXPECT_EQ(uri_template("{a}/{b}").match("x/y/z"), std::nullopt);
}

TEST(UriTemplateMatch, VariableNeverMatchesQueryOrFragmentDelimiters) {
  EXPECT_EQ(uri_template("lumen://notes/{id}").match("lumen://notes/1?x=2"), std::nullopt);
  EXPECT_EQ(uri_template("lumen://notes/{id}").match("lumen://notes/1#top"), std::nullopt);
}

TEST(UriTemplateMatch, PercentEscapesAreDecoded) {
  uri_template t("lumen://notes/{folder}/{id}");
  EXPECT_EQ(t.match("lumen://notes/a%20b/x%2Fy"), (vars{{"folder", "a b"}, {"id", "x/y"}}));
  EXPECT_EQ(t.match("lumen://notes/caf%c3%a9/1"), (vars{{"folder", "caf\xC3\xA9"}, {"id", "1"}}));
}

TEST(UriTemplateMatch, MalformedPercentEscapeDoesNotMatch) {
  EXPECT_EQ(uri_template("x:{v}").match("x:100%"), std::nullopt);
  EXPECT_EQ(uri_template("x:{v}").match("x:%zz"), std::nullopt);
  EXPECT_EQ(uri_template("x:{a}/{b}").match("x:%4/1"), std::nullopt);
}

TEST(UriTemplateMatch, VariableStopsAtTheNextLiteralWithBacktracking) {
  EXPECT_EQ(uri_template("f/{name}.{ext}").match("f/archive.tar.gz"), (vars{{"name", "archive"}, {"ext", "tar.gz"}}));
  // The first occurrence of the literal would leave the rest unmatched, so the variable grows.
  EXPECT_EQ(uri_template("f/{name}.gz").match("f/a.b.gz"), (vars{{"name", "a.b"}}));
  EXPECT_EQ(uri_template("{a}-{b}-end").match("x-y-z-end"), (vars{{"a", "x"}, {"b", "y-z"}}));
}

TEST(UriTemplateMatch, RepeatedVariableMustMatchTheSameValue) {
  uri_template t("{a}/{b}/{a}");
  EXPECT_EQ(t.match("x/y/x"), (vars{{"a", "x"}, {"b", "y"}}));
  EXPECT_EQ(t.match("x/y/z"), std::nullopt);
  EXPECT_EQ(t.match("x%41/y/xA"), (vars{{"a", "xA"}, {"b", "y"}}));  // compared after decoding
}

TEST(UriTemplateMatch, ExpandThenMatchRoundTrips) {
  uri_template t("lumen://r/{a}/{b}?v={c}");
  vars v{{"a", "sp ace/slash"}, {"b", "100%?#&"}, {"c", "\xC3\xA9t\xC3\xA9"}};
  EXPECT_EQ(t.match(t.expand(v)), v);
}

TEST(UriTemplateMatch, HostileInputFinishesQuickly) {
  // Adjacent variables force backtracking over every split; memoisation keeps this polynomial.
  uri_template t("{a}{b}{c}{d}{e}/end");
  std::string uri(1000, 'x');
  uri += "/nope";
  EXPECT_EQ(t.match(uri), std::nullopt);
}

}  // namespace
}  // namespace lumen::server
