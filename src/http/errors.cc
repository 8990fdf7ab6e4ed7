#include "http/errors.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace alertgate {

std::string ErrorBody(const Status& status) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("status");
  w.String("error");
  w.Key("errorType");
  w.String(Info(status.code()).error_type);
  w.Key("error");
  w.String(status.message());
  w.EndObject();
  return std::string(buf.GetString()) + "\n";
}

}  // namespace alertgate
