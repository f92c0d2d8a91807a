// SIGTERM / SIGINT: a flag plus a self-pipe, so that a wait on the database socket wakes up.
#pragma once

namespace waitroomd::stop_signal {

void install();  // also ignores SIGPIPE (a closed stdout reader is a sink error)
bool requested();
int wake_fd();  // readable once a stop was requested
// Sleeps up to `seconds`, returning early (true) when a stop is requested.
bool sleep_for(double seconds);

}  // namespace waitroomd::stop_signal
