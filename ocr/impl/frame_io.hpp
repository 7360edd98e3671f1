#pragma once
// Blocking frame I/O on a socket with a deadline (poll), shared by the pool and the worker.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "ocr/scan_wire.hpp"

namespace lgw::ocr::impl {

using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

/// Waits until `fd` is ready for `events` or the deadline passes (false).
inline bool waitFor(int fd, short events, Deadline deadline) {
    for (;;) {
        int ms = -1;
        if (deadline != kNoDeadline) {
            auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            // Rounded up: a poll that times out has passed the deadline, never stopped short of it.
            ms = static_cast<int>(std::min<long long>((left.count() + 999) / 1000, 1 << 30));
        }
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, ms);
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

inline bool writeAll(int fd, std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        if (!waitFor(fd, POLLOUT, deadline)) return false;
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

inline bool writeFrame(int fd, std::string_view payload, Deadline deadline) {
    return writeAll(fd, framePrefix(static_cast<std::uint32_t>(payload.size())), deadline) &&
           writeAll(fd, payload, deadline);
}

enum class FrameError { kNone, kClosed, kTimedOut, kTooLarge, kIo };

inline bool readAll(int fd, char* out, std::size_t n, Deadline deadline, FrameError& err) {
    while (n > 0) {
        if (!waitFor(fd, POLLIN, deadline)) {
            err = FrameError::kTimedOut;
            return false;
        }
        ssize_t got = ::recv(fd, out, n, MSG_DONTWAIT);
        if (got == 0) {
            err = FrameError::kClosed;
            return false;
        }
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            err = errno == ECONNRESET ? FrameError::kClosed : FrameError::kIo;
            return false;
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

/// One frame of at most `max` bytes; nullopt with `err` set otherwise.
inline std::optional<std::string> readFrame(int fd, std::size_t max, Deadline deadline, FrameError& err) {
    unsigned char prefix[4];
    err = FrameError::kNone;
    if (!readAll(fd, reinterpret_cast<char*>(prefix), 4, deadline, err)) return std::nullopt;
    std::uint32_t n = frameLength(prefix);
    if (n > max) {
        err = FrameError::kTooLarge;
        return std::nullopt;
    }
    std::string out(n, '\0');
    if (!readAll(fd, out.data(), n, deadline, err)) return std::nullopt;
    return out;
}

}  // namespace lgw::ocr::impl
