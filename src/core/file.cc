#include "core/file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace alertgate {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InvalidArgument("cannot read " + path + ": " + std::strerror(errno));
  return std::move(ss).str();
}

std::string ResolveAgainst(const std::string& config_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  const std::filesystem::path dir = std::filesystem::path(config_file).parent_path();
  if (dir.empty()) return path;
  return (dir / path).string();
}

}  // namespace alertgate
