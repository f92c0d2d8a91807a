// A paced event producer for bench/daemon.sh's latency run: THREADS sessions together commit
// RATE events per second for SECONDS, PER_COMMIT events of one order per transaction (one
// INSERT, autocommit; a routed place_order writes 3: ORDER_CREATED, ROUTING_PLAN_ROUTED,
// PICK_JOB_CREATED), and log per event "<eventId> <sent unix s> <commit acknowledged unix s>".
// The commit becomes visible between the two; the acknowledgement is the later bound. A late
// session sends at once (no skipping) until SECONDS are over, so the achieved rate shows when the
// server cannot keep up.
//   producer --rate R --seconds S --threads T --per-commit N --out FILE   (PG* environment)
#include <libpq-fe.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::system_clock;

double unix_seconds(Clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

struct Sent {
    long long event_id;
    double sent;
    double acked;
};

// Session `index` of `threads` sends events index, index + threads, … of the schedule.
std::vector<Sent> produce(int index, int threads, int per_commit, double rate, double seconds,
                          Clock::time_point start) {
    std::vector<Sent> log;
    PGconn* conn = PQconnectdb("");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::fprintf(stderr, "producer: %s", PQerrorMessage(conn));
        std::exit(1);
    }
    const double commits_per_second = rate / per_commit;
    const auto total = static_cast<long long>(commits_per_second * seconds);
    const std::string count = std::to_string(per_commit);
    const auto stop =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (long long k = index; k < total; k += threads) {
        const auto due =
            start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(k) / commits_per_second));
        std::this_thread::sleep_until(due);
        if (Clock::now() >= stop) break;  // behind schedule: what was achieved is reported
        std::array<char, 64> order{};
        std::snprintf(order.data(), order.size(), "00000000-0000-4000-8000-%012lld", k % 1000);
        const std::array<const char*, 2> params{order.data(), count.c_str()};
        const auto sent = Clock::now();
        PGresult* r = PQexecParams(
            conn,
            "INSERT INTO waitroom.event (event, order_id, payload)"
            " SELECT 'ORDER_CREATED', $1::uuid,"
            "        '{\"bench\": \"latency\", \"lines\": [{\"sku\": \"sku-1\", \"quantity\": 1}]}'"
            "   FROM generate_series(1, $2::int) RETURNING event_id",
            2, nullptr, params.data(), nullptr, nullptr, 0);
        const auto acked = Clock::now();
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            std::fprintf(stderr, "producer: %s", PQerrorMessage(conn));
            std::exit(1);
        }
        for (int row = 0; row < PQntuples(r); ++row) {
            log.push_back(
                {std::atoll(PQgetvalue(r, row, 0)), unix_seconds(sent), unix_seconds(acked)});
        }
        PQclear(r);
    }
    PQfinish(conn);
    return log;
}

}  // namespace

int main(int argc, char** argv) {
    double rate = 500;
    double seconds = 10;
    int threads = 4;
    int per_commit = 1;
    std::string out;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        if (opt == "--rate") rate = std::atof(argv[i + 1]);
        if (opt == "--seconds") seconds = std::atof(argv[i + 1]);
        if (opt == "--threads") threads = std::atoi(argv[i + 1]);
        if (opt == "--per-commit") per_commit = std::atoi(argv[i + 1]);
        if (opt == "--out") out = argv[i + 1];
    }
    if (out.empty() || rate <= 0 || threads < 1 || per_commit < 1) {
        std::fprintf(stderr,
                     "usage: producer --rate R --seconds S --threads T --per-commit N --out F\n");
        return 2;
    }
    const auto start = Clock::now() + std::chrono::milliseconds(200);  // after the connects
    std::vector<std::vector<Sent>> logs(threads);
    std::vector<std::thread> sessions;
    sessions.reserve(threads);
    for (int i = 0; i < threads; ++i) {
        sessions.emplace_back(
            [&, i] { logs[i] = produce(i, threads, per_commit, rate, seconds, start); });
    }
    for (auto& s : sessions) s.join();
    std::FILE* f = std::fopen(out.c_str(), "w");
    if (!f) return 1;
    for (const auto& log : logs) {
        for (const Sent& s : log) std::fprintf(f, "%lld %.6f %.6f\n", s.event_id, s.sent, s.acked);
    }
    std::fclose(f);
    return 0;
}
