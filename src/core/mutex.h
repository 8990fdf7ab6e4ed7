// A mutex, its scoped lock and a condition variable that clang's
// -Wthread-safety analysis understands, and the annotations that name what
// each mutex guards.
//
// libstdc++'s std::mutex carries no capability attributes, so the analysis
// cannot see it; these thin wrappers (leveldb's port::Mutex and abseil's
// Mutex have the same shape) let a member say `AG_GUARDED_BY(mu_)` and a
// function `AG_REQUIRES(mu_)`, and the clang builds (-Wthread-safety, an
// error there) reject code that touches the member without the lock. Other
// compilers see plain std::mutex code.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define AG_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define AG_THREAD_ANNOTATION(x)
#endif

#define AG_CAPABILITY(x) AG_THREAD_ANNOTATION(capability(x))
#define AG_SCOPED_CAPABILITY AG_THREAD_ANNOTATION(scoped_lockable)
#define AG_GUARDED_BY(x) AG_THREAD_ANNOTATION(guarded_by(x))
#define AG_PT_GUARDED_BY(x) AG_THREAD_ANNOTATION(pt_guarded_by(x))
#define AG_REQUIRES(...) AG_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define AG_EXCLUDES(...) AG_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define AG_ACQUIRE(...) AG_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define AG_RELEASE(...) AG_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// For the few functions whose locking the analysis cannot follow; say why
// beside each use.
#define AG_NO_THREAD_SAFETY_ANALYSIS AG_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace alertgate {

// A non-recursive mutex. Thread-safe, as mutexes are.
class AG_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() AG_ACQUIRE() { mu_.lock(); }
  void Unlock() AG_RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to the end of the scope.
class AG_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) AG_ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() AG_RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable over one Mutex. Every call requires that mutex held
// (Wait releases it while blocked and holds it again on return). Callers
// loop on their condition: a wake-up may be spurious.
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's scope unlocks it
  }
  // Returns false when `deadline` passed before a wake-up.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace alertgate
