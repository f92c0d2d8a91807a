#include "node_listeners.hpp"

#include <algorithm>
#include <chrono>

#include "log.hpp"

namespace waitroomd {
namespace {

const int kConnectTimeoutSeconds = 5;

}  // namespace

NodeListeners::NodeListeners(std::string conninfo, double reconnect_base, double reconnect_max,
                             std::vector<std::string> channels)
    : conninfo_(std::move(conninfo)),
      backoff_(reconnect_base, reconnect_max),
      channels_(std::move(channels)) {}

void NodeListeners::set_nodes(const std::vector<ClusterNode>& nodes) {
    std::vector<Session> kept;
    for (Session& s : sessions_) {
        if (std::find(nodes.begin(), nodes.end(), s.node) != nodes.end()) {
            kept.push_back(std::move(s));
        } else {
            log::info("node_unlisten", {{"node", s.node.name()}});
        }
    }
    for (const ClusterNode& node : nodes) {
        if (std::any_of(kept.begin(), kept.end(),
                        [&node](const Session& k) { return k.node == node; }))
            continue;
        Session session;
        session.node = node;
        session.db =
            std::make_unique<PgConnection>(conninfo_, node.host, node.port, kConnectTimeoutSeconds);
        kept.push_back(std::move(session));
    }
    sessions_ = std::move(kept);
}

void NodeListeners::connect_due() {
    const auto now = Timer::Clock::now();
    for (Session& s : sessions_) {
        if (s.db->connected() || now < s.retry_at) continue;
        try {
            s.db->connect();
            for (const std::string& channel : channels_) s.db->exec("LISTEN " + channel);
            log::info("node_listening", {{"node", s.node.name()},
                                         {"server", s.db->describe()},
                                         {"attempt", s.failures + 1}});
            s.failures = 0;
        } catch (const PgError& e) {
            lost(s, e.what());
        }
    }
}

void NodeListeners::lost(Session& session, const std::string& error) {
    session.db->close();
    ++session.failures;
    const double delay = backoff_.delay(session.failures);
    session.retry_at = Timer::after(delay);
    log::warn("node_listen_failed", {{"node", session.node.name()},
                                     {"attempt", session.failures},
                                     {"retry_in_s", delay},
                                     {"error", error}});
}

void NodeListeners::add_poll_fds(std::vector<pollfd>& fds) const {
    for (const Session& s : sessions_)
        if (s.db->connected()) fds.push_back({s.db->socket(), POLLIN, 0});
}

std::vector<PgConnection::Notification> NodeListeners::take_notifications() {
    std::vector<PgConnection::Notification> all;
    for (Session& s : sessions_) {
        if (!s.db->connected()) continue;
        try {
            auto notes = s.db->take_notifications();
            all.insert(all.end(), notes.begin(), notes.end());
        } catch (const PgError& e) {
            lost(s, e.what());
        }
    }
    return all;
}

double NodeListeners::seconds_until_reconnect() const {
    double soonest = 1e9;
    for (const Session& s : sessions_)
        if (!s.db->connected()) soonest = std::min(soonest, Timer::seconds_until(s.retry_at));
    return soonest;
}

}  // namespace waitroomd
