#include "core/matcher.h"

#include <gtest/gtest.h>

#include <string>

namespace alertgate {
namespace {

using Op = Matcher::Op;

Matcher MustCreate(const std::string& name, Op op, const std::string& value) {
  Result<Matcher> m = Matcher::Create(name, op, value);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

MatcherSet MustParse(const std::string& text) {
  Result<MatcherSet> s = ParseMatchers(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? std::move(s).value() : MatcherSet();
}

TEST(MatcherTest, MatchesValueByOperator) {
  const struct {
    Op op;
    std::string value;
    std::string input;
    bool want;
  } kCases[] = {
      {Op::kEqual, "critical", "critical", true},
      {Op::kEqual, "critical", "Critical", false},
      {Op::kEqual, "", "", true},
      {Op::kNotEqual, "critical", "warning", true},
      {Op::kNotEqual, "critical", "critical", false},
      {Op::kRegexMatch, "critical|page", "page", true},
      {Op::kRegexMatch, "critical|page", "critical", true},
      {Op::kRegexMatch, "critical|page", "warning", false},
      {Op::kRegexMatch, "crit", "critical", false},  // anchored at the end
      {Op::kRegexMatch, "ical", "critical", false},  // anchored at the start
      {Op::kRegexMatch, "a|b", "ab", false},         // the anchor wraps the alternation
      {Op::kRegexMatch, "crit.*", "critical", true},
      {Op::kRegexMatch, ".*", "", true},
      {Op::kRegexMatch, ".+", "", false},
      {Op::kRegexMatch, "(?i)CRITICAL", "critical", true},
      {Op::kRegexMatch, "5..", "503", true},
      {Op::kRegexMatch, "\\d+", "42", true},
      {Op::kRegexNoMatch, "critical|page", "warning", true},
      {Op::kRegexNoMatch, "critical|page", "page", false},
      {Op::kRegexNoMatch, "crit", "critical", true},
  };
  for (const auto& c : kCases) {
    const Matcher m = MustCreate("severity", c.op, c.value);
    EXPECT_EQ(m.MatchesValue(c.input), c.want) << m.ToString() << " on \"" << c.input << "\"";
  }
}

TEST(MatcherTest, MissingLabelMatchesAsEmptyString) {
  const Labels labels = {{"alertname", "DiskFull"}};
  const struct {
    Op op;
    std::string value;
    bool want;
  } kCases[] = {
      {Op::kEqual, "", true},
      {Op::kEqual, "critical", false},
      {Op::kNotEqual, "critical", true},
      {Op::kNotEqual, "", false},
      {Op::kRegexMatch, ".*", true},
      {Op::kRegexMatch, ".+", false},
      {Op::kRegexNoMatch, ".+", true},
  };
  for (const auto& c : kCases) {
    const Matcher m = MustCreate("severity", c.op, c.value);
    EXPECT_EQ(m.Matches(labels), c.want) << m.ToString();
  }
}

TEST(MatcherTest, MatchesPresentLabel) {
  const Matcher m = MustCreate("severity", Op::kEqual, "page");
  EXPECT_TRUE(m.Matches({{"severity", "page"}, {"team", "db"}}));
  EXPECT_FALSE(m.Matches({{"severity", "ticket"}}));
}

TEST(MatcherTest, CreateRejectsInvalidRegexNamingIt) {
  Result<Matcher> m = Matcher::Create("severity", Op::kRegexMatch, "(");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(m.status().message().rfind("invalid regex in severity=~\"(\": missing )", 0), 0u)
      << m.status().message();
}

// Only the value is a regex; it must not escape the anchoring group.
TEST(MatcherTest, CreateRejectsRegexThatOnlyCompilesOnceWrapped) {
  Result<Matcher> m = Matcher::Create("job", Op::kRegexNoMatch, "a)|(b");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message().rfind("invalid regex in job!~\"a)|(b\": ", 0), 0u)
      << m.status().message();
}

TEST(MatcherTest, CreateDoesNotCompileEqualityValues) {
  EXPECT_TRUE(Matcher::Create("severity", Op::kEqual, "(").ok());
  EXPECT_TRUE(Matcher::Create("severity", Op::kNotEqual, "[").ok());
}

TEST(MatcherTest, CreateRejectsInvalidLabelName) {
  for (const std::string name : {"", "1abc", "a-b", "a.b", "a b", "é", "a:b"}) {
    Result<Matcher> m = Matcher::Create(name, Op::kEqual, "x");
    ASSERT_FALSE(m.ok()) << name;
    EXPECT_NE(m.status().message().find("invalid label name"), std::string::npos);
  }
  for (const std::string name : {"a", "_", "_a1", "alertname", "A_Z_09"}) {
    EXPECT_TRUE(Matcher::Create(name, Op::kEqual, "x").ok()) << name;
  }
}

TEST(MatcherTest, ToStringEscapesValueAsGoStringLiteral) {
  const struct {
    Op op;
    std::string value;
    std::string want;
  } kCases[] = {
      {Op::kEqual, "X", R"(name="X")"},
      {Op::kNotEqual, "", R"(name!="")"},
      {Op::kRegexMatch, "critical|page", R"(name=~"critical|page")"},
      {Op::kRegexNoMatch, "\\d+", R"(name!~"\\d+")"},
      {Op::kEqual, "say \"hi\"", R"(name="say \"hi\"")"},
      {Op::kEqual, "a\nb\tc\rd", R"(name="a\nb\tc\rd")"},
      {Op::kEqual, std::string("nul\0", 4), R"(name="nul\x00")"},
      {Op::kEqual, "caf\xc3\xa9", "name=\"caf\xc3\xa9\""},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(MustCreate("name", c.op, c.value).ToString(), c.want);
  }
}

TEST(MatcherSetTest, MatchesOnlyWhenAllMatchersMatch) {
  const MatcherSet set = MustParse(R"(alertname="DiskFull", severity=~"critical|page")");
  EXPECT_TRUE(set.Matches({{"alertname", "DiskFull"}, {"severity", "page"}}));
  EXPECT_FALSE(set.Matches({{"alertname", "DiskFull"}, {"severity", "ticket"}}));
  EXPECT_FALSE(set.Matches({{"alertname", "CpuHigh"}, {"severity", "page"}}));
  EXPECT_FALSE(set.Matches({{"alertname", "DiskFull"}}));
}

TEST(MatcherSetTest, EmptySetMatchesEverything) {
  const MatcherSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.Matches({}));
  EXPECT_TRUE(set.Matches({{"alertname", "X"}}));
}

TEST(MatcherSetTest, ToStringJoinsWithCommaSpace) {
  EXPECT_EQ(MustParse(R"({alertname="X",severity=~"critical|page"})").ToString(),
            R"(alertname="X", severity=~"critical|page")");
  EXPECT_EQ(MatcherSet().ToString(), "");
}

TEST(MatcherSetTest, AlertNameReturnsEqualityMatcherValue) {
  const struct {
    std::string text;
    std::string want;
  } kCases[] = {
      {R"(alertname="DiskFull")", "DiskFull"},
      {R"(severity="page", alertname="DiskFull")", "DiskFull"},
      {R"(alertname=~"Disk.*")", ""},
      {R"(alertname!="DiskFull")", ""},
      {R"(alertname!~"X", alertname="Y")", "Y"},
      {R"(severity="page")", ""},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(MustParse(c.text).AlertName(), c.want) << c.text;
  }
}

TEST(ParseMatchersTest, ParsesValidLists) {
  const struct {
    std::string text;
    std::string want;  // canonical ToString of the parsed set
  } kCases[] = {
      {R"(alertname="X")", R"(alertname="X")"},
      {R"({alertname="X"})", R"(alertname="X")"},
      {R"(a="1",b!="2",c=~"3",d!~"4")", R"(a="1", b!="2", c=~"3", d!~"4")"},
      {R"(  { a = "1" ,  b =~ "x|y" , }  )", R"(a="1", b=~"x|y")"},
      {R"(a="1",)", R"(a="1")"},
      {R"(a="1" , )", R"(a="1")"},
      {"\ta=\"1\",\n\tb=\"2\"\n", R"(a="1", b="2")"},
      {R"(a="")", R"(a="")"},
      {R"(a="x,y}")", R"(a="x,y}")"},  // separators inside quotes are data
      {R"(a="{")", R"(a="{")"},
      {R"(q="say \"hi\"")", R"(q="say \"hi\"")"},
      {R"(q="back\\slash")", R"(q="back\\slash")"},
      {R"(q="a\nb\tc")", R"(q="a\nb\tc")"},
      {R"(q=~"\\d+")", R"(q=~"\\d+")"},
      {R"(q="\x41\101\u00e9\U0001F600")", "q=\"AA\xc3\xa9\xf0\x9f\x98\x80\""},
      {R"(_x1="v")", R"(_x1="v")"},
      {R"(a="1", a!="2")", R"(a="1", a!="2")"},  // repeated names are allowed
  };
  for (const auto& c : kCases) {
    Result<MatcherSet> got = ParseMatchers(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status().ToString();
    EXPECT_EQ(got->ToString(), c.want) << c.text;
  }
}

TEST(ParseMatchersTest, DecodesEscapesIntoValue) {
  const MatcherSet set = MustParse(R"(q="a\"b\\c\nd\te")");
  ASSERT_EQ(set.matchers().size(), 1u);
  EXPECT_EQ(set.matchers()[0].value(), "a\"b\\c\nd\te");
  EXPECT_EQ(set.matchers()[0].op(), Op::kEqual);
  EXPECT_EQ(set.matchers()[0].name(), "q");
}

TEST(ParseMatchersTest, ReportsWhatWasExpectedAndWhere) {
  const struct {
    std::string text;
    std::string want;  // the whole message
  } kCases[] = {
      {R"(alertname="X", severity=~critical)",
       R"(expected '"' after =~ at offset 25 in 'alertname="X", severity=~critical')"},
      {R"(a=1)", R"(expected '"' after = at offset 2 in 'a=1')"},
      {R"(a!="1", b!~ x)", R"(expected '"' after !~ at offset 12 in 'a!="1", b!~ x')"},
      {R"(="1")", R"(expected label name at offset 0 in '="1"')"},
      {R"(1a="1")", R"(expected label name at offset 0 in '1a="1"')"},
      {R"(a="1",,b="2")", R"(expected label name at offset 6 in 'a="1",,b="2"')"},
      {R"(a "1")", R"(expected one of =, !=, =~, !~ after label name a at offset 2 in 'a "1"')"},
      {R"(a-b="1")",
       R"(expected one of =, !=, =~, !~ after label name a at offset 1 in 'a-b="1"')"},
      {R"(a=="1")", R"(expected '"' after = at offset 2 in 'a=="1"')"},
      {R"(a!"1")", R"(expected '=' or '~' after '!' at offset 2 in 'a!"1"')"},
      {R"(a~"1")", R"(expected one of =, !=, =~, !~ after label name a at offset 1 in 'a~"1"')"},
      {R"(a="1)", R"(unterminated quoted value starting at offset 2 in 'a="1')"},
      {R"(a="1\)", R"(unterminated quoted value starting at offset 2 in 'a="1\')"},
      {R"(a="1" b="2")", R"(expected ',' or end of input at offset 6 in 'a="1" b="2"')"},
      {R"({a="1" b="2"})", R"(expected ',' or '}' at offset 7 in '{a="1" b="2"}')"},
      {R"({a="1")", R"(expected ',' or '}' at offset 6 in '{a="1"')"},
      {R"({a="1",)", R"(expected label name or '}' at offset 7 in '{a="1",')"},
      {R"(a="1"})", R"(expected ',' or end of input at offset 5 in 'a="1"}')"},
      {R"(a="1",})", R"(unexpected '}' without a matching '{' at offset 6 in 'a="1",}')"},
      {R"({a="1"} x)", R"(expected end of input after '}' at offset 8 in '{a="1"} x')"},
      {R"({a="1"}})", R"(expected end of input after '}' at offset 7 in '{a="1"}}')"},
      {R"(a="\q")", R"(invalid escape sequence \q at offset 3 in 'a="\q"')"},
      {R"(a="\'")", R"(invalid escape sequence \' at offset 3 in 'a="\'"')"},
      {R"(a="\x4")", R"(invalid \x escape at offset 3 in 'a="\x4"')"},
      {R"(a="\u12")", R"(invalid \u escape at offset 3 in 'a="\u12"')"},
      {R"(a="\uD800")", R"(invalid Unicode code point in escape at offset 3 in 'a="\uD800"')"},
      {R"(a="\U00110000")",
       R"(invalid Unicode code point in escape at offset 3 in 'a="\U00110000"')"},
      {R"(a="\12")", R"(invalid octal escape at offset 3 in 'a="\12"')"},
      {R"(a="\400")", R"(octal escape out of range at offset 3 in 'a="\400"')"},
      {"a=\"x\ny\"", "newline in quoted value at offset 4 in 'a=\"x\ny\"'"},
  };
  for (const auto& c : kCases) {
    Result<MatcherSet> got = ParseMatchers(c.text);
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().message(), c.want);
  }
}

TEST(ParseMatchersTest, RejectsEmptyList) {
  for (const std::string text : {"", "   ", "{}", " { } ", "\n"}) {
    Result<MatcherSet> got = ParseMatchers(text);
    ASSERT_FALSE(got.ok()) << "'" << text << "'";
    EXPECT_EQ(got.status().message(), "empty matcher list in '" + text + "'");
  }
  for (const std::string text : {",", "{,}"}) {
    EXPECT_FALSE(ParseMatchers(text).ok()) << text;
  }
}

TEST(ParseMatchersTest, ReportsInvalidRegexWithMatcher) {
  Result<MatcherSet> got = ParseMatchers(R"(alertname="X", severity=~"(")");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message().rfind("invalid regex in severity=~\"(\": missing )", 0), 0u)
      << got.status().message();
}

TEST(ParseMatchersTest, ParseInvertsToString) {
  const std::string kValues[] = {
      "plain",
      "",
      "quote\"back\\slash",
      "line\nbreak",
      "tab\tcr\r",
      std::string("\x01\x7f", 2),
      "caf\xc3\xa9 ,{}=~",
  };
  for (const auto& value : kValues) {
    const Matcher m = MustCreate("label", Op::kEqual, value);
    const MatcherSet parsed = MustParse(m.ToString());
    ASSERT_EQ(parsed.matchers().size(), 1u) << m.ToString();
    EXPECT_EQ(parsed.matchers()[0].value(), value) << m.ToString();
  }
}

}  // namespace
}  // namespace alertgate
