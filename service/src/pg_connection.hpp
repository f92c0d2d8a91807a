// A thin RAII layer over libpq: parameterised statements, LISTEN/NOTIFY, and errors that say
// whether the connection itself is gone (then the caller reconnects) or only the statement failed.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace waitroomd {

struct PgError : std::runtime_error {
    PgError(std::string sqlstate, const std::string& message, bool connection_lost)
        : std::runtime_error(message),
          sqlstate(std::move(sqlstate)),
          connection_lost(connection_lost) {}
    std::string sqlstate;
    bool connection_lost;
};

class PgResult {
public:
    explicit PgResult(PGresult* result) : result_(result, PQclear) {}
    int rows() const { return PQntuples(result_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
    std::string text(int row, int col) const { return PQgetvalue(result_.get(), row, col); }
    long long integer(int row, int col) const { return std::stoll(text(row, col)); }
    double number(int row, int col) const { return std::stod(text(row, col)); }

private:
    std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

using PgParams = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL

class PgConnection {
public:
    explicit PgConnection(std::string conninfo) : conninfo_(std::move(conninfo)) {}
    // The same login on another node of a cluster: host and port replace the conninfo's, and a
    // node that does not answer fails within connect_timeout seconds.
    PgConnection(std::string conninfo, std::string host, int port, int connect_timeout)
        : conninfo_(std::move(conninfo)),
          host_(std::move(host)),
          port_(std::to_string(port)),
          connect_timeout_(std::to_string(connect_timeout)) {}

    // Opens a new session (closing any old one); throws PgError on failure.
    void connect();
    void close() { conn_.reset(); }
    bool connected() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
    // "host:port/db" for logs.
    std::string describe() const;

    PgResult exec(const std::string& sql, const PgParams& params = {});
    int socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }
    // Reads what the server sent and returns the payloads of pending notifications.
    struct Notification {
        std::string channel;
        std::string payload;
    };
    std::vector<Notification> take_notifications();

private:
    [[noreturn]] void fail(const PGresult* result, const std::string& fallback);
    static void on_notice(void* self, const char* message);

    std::string conninfo_;
    std::string host_, port_, connect_timeout_;  // empty: the conninfo's (or PG*) own
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_{nullptr, PQfinish};
};

// BEGIN … COMMIT; rolls back when left by an exception (unless the connection is gone).
class PgTransaction {
public:
    explicit PgTransaction(PgConnection& db);
    ~PgTransaction();
    void commit();

private:
    PgConnection& db_;
    bool open_ = true;
};

// A text[] literal, e.g. {"a","b"}.
std::string pg_text_array(const std::vector<std::string>& items);

}  // namespace waitroomd
