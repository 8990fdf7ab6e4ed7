#include "core/log.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/text.h"
#include "core/time.h"

namespace alertgate {
namespace {

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

Result<LogLevel> ParseLogLevel(const std::string& text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return InvalidArgument("unknown log level " + QuoteForMessage(text) +
                         " (want debug, info, warn or error)");
}

Result<LogFormat> ParseLogFormat(const std::string& text) {
  if (text == "logfmt") return LogFormat::kLogfmt;
  if (text == "json") return LogFormat::kJson;
  return InvalidArgument("unknown log format " + QuoteForMessage(text) + " (want logfmt or json)");
}

std::string LogfmtValue(const std::string& v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return v;
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          // Other control bytes would garble or forge lines in a terminal.
          static const char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
          out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void Logger::Log(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  const std::string ts = FormatRfc3339(clock_->Now());
  std::string line;
  if (format_ == LogFormat::kJson) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("ts");
    w.String(ts);
    w.Key("level");
    w.String(LevelName(level));
    w.Key("msg");
    w.String(msg);
    for (const auto& [k, v] : fields) {
      w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      w.String(v);
    }
    w.EndObject();
    line = buf.GetString();
  } else {
    line = "ts=" + ts + " level=" + LevelName(level) + " msg=" + LogfmtValue(msg);
    for (const auto& [k, v] : fields) line += " " + k + "=" + LogfmtValue(v);
  }
  line += '\n';
  MutexLock lock(&mu_);
  *out_ << line << std::flush;
}

}  // namespace alertgate
