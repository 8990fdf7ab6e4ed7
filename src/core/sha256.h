// SHA-256 (OpenSSL), for bearer-token digests and credential-cache keys.
#pragma once

#include <array>
#include <string_view>

namespace alertgate {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest Sha256(std::string_view data);

}  // namespace alertgate
