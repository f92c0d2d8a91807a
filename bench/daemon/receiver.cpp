// A fast local webhook receiver for bench/daemon.sh: answers 200 to every POST from a pool of
// threads (keep-alive, TCP_NODELAY), so that the daemon, not the receiver, is what is measured.
//   receiver --port-file F [--threads N] [--arrivals FILE]
// --arrivals: one line per request, "<arrival unix seconds> <eventId>", for the latency run.
// GET /count answers the number of POSTs received. Does not check signatures (the daemon's
// suite does); it only reads the eventId.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

namespace {

double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The envelope is {"event": …, "eventId": N, "payload": …}; -1 when absent.
long long event_id_of(const std::string& body) {
    const char* key = "\"eventId\":";
    const size_t at = body.find(key);
    if (at == std::string::npos) return -1;
    return std::strtoll(body.c_str() + at + std::strlen(key), nullptr, 10);
}

}  // namespace

int main(int argc, char** argv) {
    std::string port_file;
    std::string arrivals_path;
    size_t threads = 4;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        if (opt == "--port-file") port_file = argv[i + 1];
        if (opt == "--threads") threads = std::strtoul(argv[i + 1], nullptr, 10);
        if (opt == "--arrivals") arrivals_path = argv[i + 1];
    }
    if (port_file.empty()) {
        std::fprintf(stderr, "usage: receiver --port-file F [--threads N] [--arrivals FILE]\n");
        return 2;
    }

    std::mutex mutex;
    long long received = 0;
    std::FILE* arrivals = arrivals_path.empty() ? nullptr : std::fopen(arrivals_path.c_str(), "w");

    httplib::Server server;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_keep_alive_max_count(1000000);
    server.set_keep_alive_timeout(60);
    server.set_tcp_nodelay(true);
    server.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
        const double now = unix_seconds();
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++received;
            if (arrivals) {
                std::fprintf(arrivals, "%.6f %lld\n", now, event_id_of(req.body));
                std::fflush(arrivals);
            }
        }
        res.set_content("ok", "text/plain");
    });
    server.Get("/count", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(mutex);
        res.set_content(std::to_string(received), "text/plain");
    });

    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) return 1;
    {
        const std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << port;
        std::rename(tmp.c_str(), port_file.c_str());
    }
    server.listen_after_bind();
    return 0;
}
