#include "stop_signal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <csignal>

namespace waitroomd::stop_signal {
namespace {

std::atomic<bool> stop_flag{false};
std::array<int, 2> pipe_fds{-1, -1};

extern "C" void on_stop(int) {
    stop_flag = true;
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(pipe_fds[1], &byte, 1);  // async-signal-safe
}

}  // namespace

void install() {
    if (::pipe(pipe_fds.data()) == 0) {
        for (int fd : pipe_fds) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool requested() { return stop_flag; }

int wake_fd() { return pipe_fds[0]; }

bool sleep_for(double seconds) {
    if (requested()) return true;
    pollfd pfd{wake_fd(), POLLIN, 0};
    ::poll(&pfd, 1, static_cast<int>(seconds * 1000));
    return requested();
}

}  // namespace waitroomd::stop_signal
