// Process exit codes of every subcommand, in one place.
#pragma once

#include "core/status.h"

namespace alertgate {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // report: drill failed; runner: request rejected
inline constexpr int kExitUsage = 2;        // bad flags, unreadable files, report I/O errors
inline constexpr int kExitUnreachable = 3;  // runner: alertgate unreachable or kept answering 5xx
inline constexpr int kExitPending = 4;  // report: the drill is still pending (open, or a window is)

// For the runner's subcommands: 4xx rejections are kExitFailed, storage or
// network trouble kExitUnreachable, bad arguments kExitUsage.
inline int RunnerExitCode(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kUnavailable:
      return kExitUnreachable;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

}  // namespace alertgate
