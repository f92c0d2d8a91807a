// JSON lines on stdout: one envelope per line. Lines are buffered and flushed before the
// transaction that marks them delivered commits, so a crash can repeat lines but never drop one.
#pragma once

#include <stdexcept>

#include "sink.hpp"

namespace waitroomd {

// Whoever reads our stdout has gone (EPIPE) or the disk is full: the daemon cannot go on.
struct StdoutClosed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class StdoutSink {
public:
    SinkResult deliver(const Delivery& delivery);
    SinkResult flush();
};

}  // namespace waitroomd
