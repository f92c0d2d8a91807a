#include "stdout_sink.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace waitroomd {

SinkResult StdoutSink::deliver(const Delivery& delivery) {
    if (std::fwrite(delivery.body.data(), 1, delivery.body.size(), stdout) !=
            delivery.body.size() ||
        std::fputc('\n', stdout) == EOF) {
        return {false, std::string("stdout: ") + std::strerror(errno)};
    }
    return {true, ""};
}

SinkResult StdoutSink::flush() {
    if (std::fflush(stdout) != 0) return {false, std::string("stdout: ") + std::strerror(errno)};
    return {true, ""};
}

}  // namespace waitroomd
