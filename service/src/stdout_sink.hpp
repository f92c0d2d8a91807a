// JSON lines on stdout: one envelope per line. Lines are buffered and flushed before the
// transaction that marks them delivered commits, so a crash can repeat lines but never drop one.
#pragma once

#include "sink.hpp"

namespace waitroomd {

class StdoutSink {
public:
    SinkResult deliver(const Delivery& delivery);
    SinkResult flush();
};

}  // namespace waitroomd
