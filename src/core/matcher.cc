#include "core/matcher.h"

#include <re2/re2.h>

#include <cstdint>
#include <utility>

#include "core/text.h"

namespace alertgate {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

const char* OpText(Matcher::Op op) {
  switch (op) {
    case Matcher::Op::kEqual:
      return "=";
    case Matcher::Op::kNotEqual:
      return "!=";
    case Matcher::Op::kRegexMatch:
      return "=~";
    case Matcher::Op::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

// Go string literal for `value`: escapes '\\', '"' and ASCII control
// characters; other bytes (UTF-8 included) are copied as they are.
std::string GoQuote(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default: {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f) {
          out += "\\x";
          out += kHex[b >> 4];
          out += kHex[b & 0xf];
        } else {
          out += c;
        }
      }
    }
  }
  out += '"';
  return out;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xc0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xe0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A hand-written recursive-descent parser for the matcher list grammar:
//   list    := ws ['{' ws] matcher (ws ',' ws matcher)* [ws ','] ws ['}'] ws
//   matcher := name ws op ws quoted
// where '}' is required exactly when '{' opened the list.
class MatcherListParser {
 public:
  explicit MatcherListParser(std::string_view text) : text_(text) {}

  Result<MatcherSet> Parse() {
    SkipSpace();
    const bool braced = Consume('{');
    std::vector<Matcher> matchers;
    while (true) {
      SkipSpace();
      if (AtEnd()) {
        if (braced) return Error("expected label name or '}'");
        break;  // end of input, possibly after a trailing comma
      }
      if (Peek() == '}') {
        if (!braced) return Error("unexpected '}' without a matching '{'");
        ++pos_;
        break;
      }
      Result<Matcher> m = ParseOne();
      if (!m.ok()) return m.status();
      matchers.push_back(std::move(m).value());

      SkipSpace();
      if (Consume(',')) continue;
      if (braced && Consume('}')) break;
      if (!braced && AtEnd()) break;
      return Error(braced ? "expected ',' or '}'" : "expected ',' or end of input");
    }
    SkipSpace();
    if (!AtEnd()) return Error("expected end of input after '}'");
    if (matchers.empty()) return InvalidArgument("empty matcher list in " + Quoted());
    return MatcherSet(std::move(matchers));
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool Consume(char c) {
    if (AtEnd() || Peek() != c) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  std::string Quoted() const { return "'" + std::string(text_) + "'"; }
  Status ErrorAt(const std::string& what, size_t offset) const {
    return InvalidArgument(what + " at offset " + std::to_string(offset) + " in " + Quoted());
  }
  Status Error(const std::string& what) const { return ErrorAt(what, pos_); }

  Result<Matcher> ParseOne() {
    if (!IsNameStart(Peek())) return Error("expected label name");
    const size_t name_start = pos_;
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    std::string name(text_.substr(name_start, pos_ - name_start));

    SkipSpace();
    Matcher::Op op;
    if (Consume('=')) {
      op = Consume('~') ? Matcher::Op::kRegexMatch : Matcher::Op::kEqual;
    } else if (Consume('!')) {
      if (Consume('=')) {
        op = Matcher::Op::kNotEqual;
      } else if (Consume('~')) {
        op = Matcher::Op::kRegexNoMatch;
      } else {
        return Error("expected '=' or '~' after '!'");
      }
    } else {
      return Error("expected one of =, !=, =~, !~ after label name " + name);
    }

    SkipSpace();
    if (AtEnd() || Peek() != '"') return Error(std::string("expected '\"' after ") + OpText(op));
    Result<std::string> value = ParseQuoted();
    if (!value.ok()) return value.status();
    return Matcher::Create(std::move(name), op, std::move(value).value());
  }

  // Reads a Go double-quoted string literal starting at the opening quote.
  Result<std::string> ParseQuoted() {
    const size_t start = pos_++;
    std::string out;
    while (true) {
      if (AtEnd()) return ErrorAt("unterminated quoted value starting", start);
      const char c = Peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\n') return Error("newline in quoted value");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      const size_t escape_start = pos_++;
      if (AtEnd()) return ErrorAt("unterminated quoted value starting", start);
      const char e = text_[pos_++];
      switch (e) {
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case '\\':
          out += '\\';
          break;
        case '"':
          out += '"';
          break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          // \ooo: exactly three octal digits, at most \377.
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (int k = 0; k < 2; ++k) {
            if (AtEnd() || Peek() < '0' || Peek() > '7') {
              return ErrorAt("invalid octal escape", escape_start);
            }
            v = v * 8 + static_cast<uint32_t>(text_[pos_++] - '0');
          }
          if (v > 0xff) return ErrorAt("octal escape out of range", escape_start);
          out += static_cast<char>(v);
          break;
        }
        case 'x':
        case 'u':
        case 'U': {
          const int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t v = 0;
          for (int k = 0; k < digits; ++k) {
            const int h = AtEnd() ? -1 : HexValue(Peek());
            if (h < 0) {
              return ErrorAt(std::string("invalid \\") + e + " escape", escape_start);
            }
            v = v * 16 + static_cast<uint32_t>(h);
            ++pos_;
          }
          if (e == 'x') {
            out += static_cast<char>(v);
          } else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
            return ErrorAt("invalid Unicode code point in escape", escape_start);
          } else {
            AppendUtf8(v, &out);
          }
          break;
        }
        default:
          return ErrorAt(std::string("invalid escape sequence \\") + e, escape_start);
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// One matcher as pkg/labels.ParseMatcher reads it: name, operator, value
// (optionally double-quoted, with \" \\ \n escapes; other backslashes are
// literal).
Result<Matcher> ParseAlertmanagerMatcher(std::string_view token) {
  std::string_view s = TrimSpace(token);
  size_t i = 0;
  auto name_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
  };
  while (i < s.size() && name_char(s[i], i == 0)) ++i;
  const std::string name(s.substr(0, i));
  size_t j = i;
  while (j < s.size() && IsSpace(s[j])) ++j;
  Matcher::Op op;
  if (s.substr(j, 2) == "=~") {
    op = Matcher::Op::kRegexMatch;
    j += 2;
  } else if (s.substr(j, 2) == "!=") {
    op = Matcher::Op::kNotEqual;
    j += 2;
  } else if (s.substr(j, 2) == "!~") {
    op = Matcher::Op::kRegexNoMatch;
    j += 2;
  } else if (s.substr(j, 1) == "=") {
    op = Matcher::Op::kEqual;
    j += 1;
  } else {
    return InvalidArgument("bad matcher format: " + std::string(s));
  }
  if (name.empty()) return InvalidArgument("bad matcher format: " + std::string(s));
  std::string_view raw = TrimSpace(s.substr(j));
  bool expect_quote = false;
  if (!raw.empty() && raw.front() == '"') {
    raw.remove_prefix(1);
    expect_quote = true;
  }
  std::string value;
  bool escaped = false;
  for (size_t k = 0; k < raw.size(); ++k) {
    const char c = raw[k];
    if (escaped) {
      escaped = false;
      if (c == 'n') {
        value += '\n';
      } else if (c == '"' || c == '\\') {
        value += c;
      } else {
        value += '\\';
        value += c;
      }
      continue;
    }
    if (c == '\\') {
      if (k + 1 < raw.size()) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (c == '"') {
      if (!expect_quote || k + 1 < raw.size()) {
        return InvalidArgument("matcher value contains unescaped double quote: " +
                               std::string(s.substr(j)));
      }
      expect_quote = false;
    } else {
      value += c;
    }
  }
  if (expect_quote) {
    return InvalidArgument("matcher value contains unescaped double quote: " +
                           std::string(s.substr(j)));
  }
  return Matcher::Create(name, op, value);
}

Result<MatcherSet> ParseAlertmanagerList(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '{') s.remove_prefix(1);
  if (!s.empty() && s.back() == '}') s.remove_suffix(1);
  std::vector<std::string> tokens;
  std::string token;
  bool in_quotes = false;
  bool escaped = false;
  for (char c : s) {
    if (c == ',' && !in_quotes) {
      tokens.push_back(token);
      token.clear();
      continue;
    }
    if (c == '"') {
      if (!escaped) {
        in_quotes = !in_quotes;
      } else {
        escaped = false;
      }
    } else if (c == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  if (!TrimSpace(token).empty()) tokens.push_back(std::string(TrimSpace(token)));
  std::vector<Matcher> out;
  for (const auto& t : tokens) {
    auto m = ParseAlertmanagerMatcher(t);
    if (!m.ok()) return m.status();
    out.push_back(std::move(m).value());
  }
  return MatcherSet(std::move(out));
}

}  // namespace

Result<Matcher> Matcher::Create(std::string name, Op op, std::string value) {
  if (!IsValidName(name)) {
    return InvalidArgument("invalid label name " + GoQuote(name) +
                           ": must match [a-zA-Z_][a-zA-Z0-9_]*");
  }
  std::shared_ptr<const re2::RE2> re;
  if (op == Op::kRegexMatch || op == Op::kRegexNoMatch) {
    RE2::Options options;
    options.set_log_errors(false);
    // The value must be a regex on its own, not only once wrapped: otherwise
    // "a)|(b" would compile as "^(?:a)|(b)$" and match unanchored.
    RE2 alone(value, options);
    if (!alone.ok()) {
      return InvalidArgument("invalid regex in " + name + OpText(op) + GoQuote(value) + ": " +
                             alone.error());
    }
    auto anchored = std::make_shared<const RE2>("^(?:" + value + ")$", options);
    if (!anchored->ok()) {
      return InvalidArgument("invalid regex in " + name + OpText(op) + GoQuote(value) + ": " +
                             anchored->error());
    }
    re = std::move(anchored);
  }
  return Matcher(std::move(name), op, std::move(value), std::move(re));
}

bool Matcher::MatchesValue(std::string_view v) const {
  switch (op_) {
    case Op::kEqual:
      return v == value_;
    case Op::kNotEqual:
      return v != value_;
    case Op::kRegexMatch:
      return RE2::FullMatch(v, *re_);
    case Op::kRegexNoMatch:
      return !RE2::FullMatch(v, *re_);
  }
  return false;
}

bool Matcher::Matches(const Labels& labels) const {
  const auto it = labels.find(name_);
  return MatchesValue(it == labels.end() ? std::string_view() : std::string_view(it->second));
}

std::string Matcher::ToString() const { return name_ + OpText(op_) + GoQuote(value_); }

bool MatcherSet::Matches(const Labels& labels) const {
  for (const Matcher& m : matchers_) {
    if (!m.Matches(labels)) return false;
  }
  return true;
}

std::string MatcherSet::ToString() const {
  std::string out;
  for (const Matcher& m : matchers_) {
    if (!out.empty()) out += ", ";
    out += m.ToString();
  }
  return out;
}

std::string MatcherSet::AlertName() const {
  for (const Matcher& m : matchers_) {
    if (m.name() == "alertname" && m.op() == Matcher::Op::kEqual) return m.value();
  }
  return "";
}

Result<MatcherSet> ParseMatchers(std::string_view text, MatcherSyntax syntax) {
  switch (syntax) {
    case MatcherSyntax::kAlertgate:
      return MatcherListParser(text).Parse();
    case MatcherSyntax::kAlertmanager:
      return ParseAlertmanagerList(text);
  }
  return InvalidArgument("unknown matcher syntax");
}

}  // namespace alertgate
