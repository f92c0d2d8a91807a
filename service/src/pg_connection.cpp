#include "pg_connection.hpp"

#include "log.hpp"

#include <vector>

namespace waitroomd {

void PgConnection::connect() {
    // Our defaults first: anything in the conninfo (expanded from "dbname") or PG* wins; then
    // a node's host and port, which win over the conninfo's (libpq: later keywords override).
    std::vector<const char*> keys{"fallback_application_name", "keepalives",
                                  "keepalives_idle",           "keepalives_interval",
                                  "keepalives_count",          "dbname"};
    std::vector<const char*> values{"waitroomd", "1", "30", "10", "3", conninfo_.c_str()};
    if (!host_.empty()) {
        keys.insert(keys.end(), {"host", "port", "connect_timeout"});
        values.insert(values.end(), {host_.c_str(), port_.c_str(), connect_timeout_.c_str()});
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
        while (!message.empty() && message.back() == '\n') message.pop_back();
        conn_.reset();
        throw PgError("08001", message, true);
    }
    // The server's notices and warnings (e.g. "terminating connection due to administrator
    // command" as a node shuts down) as log lines, not raw text: stderr is JSON lines.
    PQsetNoticeProcessor(conn_.get(), &PgConnection::on_notice, this);
    // Names in our statements resolve in pg_catalog only (waitroom's are qualified), whatever
    // search_path the login or PGOPTIONS set: a function, operator or type planted in an
    // earlier schema must not run with the daemon's rights. Session-wide, so it survives
    // rolled-back transactions.
    exec("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)");
    // READ COMMITTED whatever the database's default: at REPEATABLE READ release_due() only
    // defers (a pass with an old snapshot cannot tell what it may serve) and never drains
    // reroute_queue.
    exec("SELECT pg_catalog.set_config('default_transaction_isolation', 'read committed', false)");
}

void PgConnection::on_notice(void* self, const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && text.back() == '\n') text.pop_back();
    log::warn("db_notice",
              {{"server", static_cast<PgConnection*>(self)->describe()}, {"message", text}});
}

std::string PgConnection::describe() const {
    if (!conn_) return "";
    const char* host = PQhost(conn_.get());
    return std::string(host ? host : "") + ":" + PQport(conn_.get()) + "/" + PQdb(conn_.get());
}

PgResult PgConnection::exec(const std::string& sql, const PgParams& params) {
    if (!conn_) throw PgError("08003", "not connected", true);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* raw = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    PgResult result(raw);
    const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(raw, "statement failed");
    return result;
}

std::vector<PgConnection::Notification> PgConnection::take_notifications() {
    std::vector<Notification> payloads;
    if (!conn_) return payloads;
    if (PQconsumeInput(conn_.get()) == 0 || PQstatus(conn_.get()) != CONNECTION_OK) {
        fail(nullptr, "connection lost");
    }
    while (PGnotify* n = PQnotifies(conn_.get())) {
        payloads.push_back({n->relname, n->extra});
        PQfreemem(n);
    }
    return payloads;
}

void PgConnection::fail(const PGresult* result, const std::string& fallback) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    // The primary message alone keeps log lines on one line.
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary ? primary : "";
    if (message.empty() && conn_) message = PQerrorMessage(conn_.get());
    if (message.empty()) message = fallback;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    const bool lost = !conn_ || PQstatus(conn_.get()) != CONNECTION_OK;
    throw PgError(state ? state : (lost ? "08006" : "XX000"), message, lost);
}

PgTransaction::PgTransaction(PgConnection& db) : db_(db) { db_.exec("BEGIN"); }

PgTransaction::~PgTransaction() {
    if (!open_ || !db_.connected()) return;
    try {
        db_.exec("ROLLBACK");
    } catch (const PgError&) {
        // The session is broken; the dispatcher notices on its next statement and reconnects.
    }
}

void PgTransaction::commit() {
    open_ = false;
    db_.exec("COMMIT");
}

std::string pg_text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

}  // namespace waitroomd
