// The LISTEN sessions waitroomd keeps on the workers of a Citus cluster (docs/scaling.md): an
// event's NOTIFY is sent on the node that holds its tenant and reaches only the listeners of
// that node, not the coordinator's. A wake-up only: a node that is down or restarting costs its
// wake-ups until it is back (the backstop poll covers them), never an event.
#pragma once

#include <poll.h>

#include <memory>
#include <string>
#include <vector>

#include "backoff.hpp"
#include "pg_connection.hpp"
#include "timer.hpp"

namespace waitroomd {

struct ClusterNode {
    std::string host;
    int port = 0;
    std::string name() const { return host + ":" + std::to_string(port); }
    bool operator==(const ClusterNode& o) const { return host == o.host && port == o.port; }
};

class NodeListeners {
public:
    // conninfo: the daemon's own (login, database, TLS); each node replaces host and port.
    NodeListeners(std::string conninfo, double reconnect_base, double reconnect_max,
                  std::vector<std::string> channels);

    // The nodes to listen on from now: new ones are connected when due, gone ones closed.
    void set_nodes(const std::vector<ClusterNode>& nodes);
    // Connects the sessions that are down and whose retry is due (a node that does not answer
    // fails within a few seconds, then waits a backoff).
    void connect_due();
    // A pollfd per connected session, appended.
    void add_poll_fds(std::vector<pollfd>& fds) const;
    // Reads every connected session; a session found closed is scheduled to reconnect.
    std::vector<PgConnection::Notification> take_notifications();
    // Seconds until the next reconnect is due (a large number when every session is up).
    double seconds_until_reconnect() const;

private:
    struct Session {
        ClusterNode node;
        std::unique_ptr<PgConnection> db;
        int failures = 0;
        Timer::Clock::time_point retry_at = Timer::Clock::now();
    };
    void lost(Session& session, const std::string& error);

    std::string conninfo_;
    Backoff backoff_;
    std::vector<std::string> channels_;
    std::vector<Session> sessions_;
};

}  // namespace waitroomd
