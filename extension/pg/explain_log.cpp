// explain's decision log: the listings routing does not read, added for the trace, and the
// JSON of a traced decision (keys camelCase, SPEC vocabulary).
#include "pg/explain_log.hpp"

#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <utility>

#include "core/router.hpp"
#include "pg/routing_store.hpp"
#include "pg/spi.hpp"
#include "pg/tenant.hpp"

namespace waitroom::pg {
namespace {

// The complement of waitroom.candidate_offer() for the same articles, read as it reads them:
// both sides by = ANY of the articles (the repeated filter on stock lets its article index
// drive that side; on the listing's key alone the generic plan read all of stock).
spi::Statement non_candidates_sql{
    "SELECT l.facility_ref, l.tenant_article_id, l.status, l.out_of_stock_behaviour,"
    "       (extract(epoch FROM l.preorder_available_from) * 1000000)::bigint,"
    "       s.on_hand, s.reserved, f.status, f.lat, f.lon"
    "  FROM waitroom.listing l"
    "  JOIN waitroom.facility f"
    "    ON f.tenant_id = $2 AND f.tenant_id = l.tenant_id AND f.facility_ref = l.facility_ref"
    "  LEFT JOIN waitroom.stock s"
    "         ON s.tenant_id = $2 AND s.tenant_id = l.tenant_id"
    "        AND s.facility_ref = l.facility_ref AND s.tenant_article_id = l.tenant_article_id"
    "        AND s.tenant_article_id = ANY ($1::text[])"
    " WHERE l.tenant_id = $2 AND l.tenant_article_id = ANY ($1::text[])"
    "   AND (l.status <> 'ACTIVE' OR f.status <> 'ONLINE')",
    2};

core::OutOfStockBehaviour behaviour_of(const std::string& s) {
    if (s == "BACKORDER") return core::OutOfStockBehaviour::Backorder;
    if (s == "PREORDER") return core::OutOfStockBehaviour::Preorder;
    return core::OutOfStockBehaviour::None;
}

core::FacilityStatus facility_status_of(const std::string& s) {
    if (s == "SUSPENDED") return core::FacilityStatus::Suspended;
    if (s == "OFFLINE") return core::FacilityStatus::Offline;
    return core::FacilityStatus::Online;
}

const char* facility_status_name(core::FacilityStatus s) {
    switch (s) {
        case core::FacilityStatus::Online:
            return "ONLINE";
        case core::FacilityStatus::Suspended:
            return "SUSPENDED";
        case core::FacilityStatus::Offline:
            return "OFFLINE";
    }
    return "ONLINE";
}

const char* behaviour_name(core::OutOfStockBehaviour b) {
    switch (b) {
        case core::OutOfStockBehaviour::None:
            return "NONE";
        case core::OutOfStockBehaviour::Backorder:
            return "BACKORDER";
        case core::OutOfStockBehaviour::Preorder:
            return "PREORDER";
    }
    return "NONE";
}

const char* priority_name(core::WaitingRoomPriority p) {
    switch (p) {
        case core::WaitingRoomPriority::Fifo:
            return "FIFO";
        case core::WaitingRoomPriority::StrictFifo:
            return "STRICT_FIFO";
        case core::WaitingRoomPriority::Priority:
            return "PRIORITY";
    }
    return "FIFO";
}

// Microseconds since the epoch as ISO 8601 UTC, which a timestamptz cast reads back exactly.
std::string iso_time(core::Timestamp t) {
    std::int64_t seconds = t / 1000000;
    std::int64_t micros = t % 1000000;
    if (micros < 0) {
        micros += 1000000;
        --seconds;
    }
    const auto time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros));
    return out;
}

// The log's JSON text, appended straight into one string (a pass writes thousands): compact,
// positional arrays that waitroom.explain() expands into named keys when it is read.
class LogText {
public:
    LogText& raw(const char* s) {
        out_ += s;
        return *this;
    }
    LogText& str(const std::string& s) {
        out_ += '"';
        for (const char c : s) {
            if (c == '"' || c == '\\') {
                out_ += '\\';
                out_ += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                out_ += escaped;
            } else {
                out_ += c;
            }
        }
        out_ += '"';
        return *this;
    }
    LogText& num(std::int64_t n) {
        out_ += std::to_string(n);
        return *this;
    }
    LogText& real(double x) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", x);
        out_ += text;
        return *this;
    }
    LogText& flag(bool b) { return raw(b ? "true" : "false"); }
    [[nodiscard]] std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// One facility's verdicts without its ref and distance: facilities with the same text form one
// group (a restock's usual log: most facilities have none of the article, alike).
// [status, completeStock, chosen,
//  [[listingStatus, kind, preorderAvailableFrom, onHand, reserved, available, candidate, check]
//   per article, in the order of "articles"]]
std::string verdicts_text(const core::FacilityTrace& f) {
    LogText out;
    out.str(facility_status_name(f.status)).raw(",").flag(f.complete).raw(",").flag(f.chosen);
    out.raw(",[");
    for (std::size_t k = 0; k < f.articles.size(); ++k) {
        const auto& o = f.articles[k];
        out.raw(k == 0 ? "[" : ",[");
        if (o.has_listing)
            out.str(o.listing_status == core::ListingStatus::Active ? "ACTIVE" : "INACTIVE")
                .raw(",")
                .str(behaviour_name(o.behaviour));
        else
            out.raw("null,null");
        out.raw(",");
        if (o.has_listing && o.preorder_available_from)
            out.str(iso_time(*o.preorder_available_from));
        else
            out.raw("null");
        out.raw(",").num(o.on_hand).raw(",").num(o.reserved).raw(",").num(o.available);
        out.raw(",").flag(o.candidate).raw(",").str(core::check_name(o.check)).raw("]");
    }
    out.raw("]");
    return out.take();
}

// "facilities": [[[ref, ...], [distanceKm, ...] or null, <verdicts_text>], ...]: the kept
// facilities (core::logged_facilities) in groups, in the order of their first facility (by
// ref), refs ascending, a distance per ref when the consumer's location is known.
// "omitted": [count, [[{check: facilities, ...}, stockShortMaxAvailable or null] per article]].
void facilities_text(LogText& out, const core::DecisionTrace& t) {
    const core::LoggedFacilities logged = core::logged_facilities(t);
    std::vector<std::string> verdicts;
    std::vector<std::vector<std::size_t>> members;
    std::map<std::string, std::size_t> group_of;
    for (const std::size_t i : logged.kept) {
        std::string v = verdicts_text(t.facilities[i]);
        const auto [it, fresh] = group_of.emplace(v, verdicts.size());
        if (fresh) {
            verdicts.push_back(std::move(v));
            members.emplace_back();
        }
        members[it->second].push_back(i);
    }
    out.raw(",\"facilities\":[");
    for (std::size_t g = 0; g < verdicts.size(); ++g) {
        out.raw(g == 0 ? "[[" : ",[[");
        bool located = false;
        for (std::size_t k = 0; k < members[g].size(); ++k) {
            const auto& f = t.facilities[members[g][k]];
            out.raw(k == 0 ? "" : ",").str(f.ref);
            located = located || f.distance_km.has_value();
        }
        out.raw("],");
        if (located) {
            for (std::size_t k = 0; k < members[g].size(); ++k) {
                const auto& f = t.facilities[members[g][k]];
                out.raw(k == 0 ? "[" : ",");
                if (f.distance_km)
                    out.real(*f.distance_km);
                else
                    out.raw("null");
            }
            out.raw("]");
        } else {
            out.raw("null");
        }
        out.raw(",").raw(verdicts[g].c_str()).raw("]");
    }
    out.raw("],\"omitted\":[").num(static_cast<std::int64_t>(logged.omitted)).raw(",[");
    for (std::size_t a = 0; a < logged.omitted_articles.size(); ++a) {
        const core::OmittedArticle& summary = logged.omitted_articles[a];
        out.raw(a == 0 ? "[{" : ",[{");
        bool first = true;
        for (const auto& [check, count] : summary.by_check) {
            out.raw(first ? "" : ",").str(core::check_name(check)).raw(":").num(count);
            first = false;
        }
        out.raw("},");
        if (summary.short_max_available)
            out.num(*summary.short_max_available);
        else
            out.raw("null");
        out.raw("]");
    }
    out.raw("]]");
}

}  // namespace

NonCandidates::NonCandidates(const std::vector<std::string>& articles) {
    for (const spi::Row& r :
         spi::run(non_candidates_sql, {spi::array_literal(articles), tenant()})) {
        core::Offer& offer = offers_.emplace_back();
        offer.facility_ref = spi::text(r, 0);
        offer.article = spi::text(r, 1);
        offer.listing_status = spi::text(r, 2) == "ACTIVE" ? core::ListingStatus::Active
                                                           : core::ListingStatus::Inactive;
        offer.behaviour = behaviour_of(spi::text(r, 3));
        if (r[4]) offer.preorder_available_from = spi::integer(r, 4);
        if (r[5]) {
            offer.on_hand = spi::integer(r, 5);
            offer.reserved = spi::integer(r, 6);
        }
        core::Facility& facility = facilities_[offer.facility_ref];
        facility.ref = offer.facility_ref;
        facility.status = facility_status_of(spi::text(r, 7));
        if (r[8] && r[9]) facility.location = core::Location{spi::real(r, 8), spi::real(r, 9)};
    }
}

void NonCandidates::add_to(core::RoutingRequest& request) const {
    if (offers_.empty()) return;
    const std::vector<std::string> articles = articles_of(request.lines);
    const std::set<std::string> wanted(articles.begin(), articles.end());
    std::set<StockKey> held;
    for (const auto& offer : request.offers) held.emplace(offer.facility_ref, offer.article);
    std::set<std::string> facilities;
    for (const auto& facility : request.facilities) facilities.insert(facility.ref);
    for (const auto& offer : offers_) {
        if (wanted.count(offer.article) == 0 ||
            !held.emplace(offer.facility_ref, offer.article).second)
            continue;
        request.offers.push_back(offer);
        if (facilities.insert(offer.facility_ref).second)
            request.facilities.push_back(facilities_.at(offer.facility_ref));
    }
}

core::TracedDecision route_with_trace(const core::RoutingRequest& request,
                                      const NonCandidates& others) {
    core::RoutingRequest full = request;
    others.add_to(full);
    return core::route_traced(full);
}

std::string decision_log(const core::RoutingDecision& d, const std::vector<std::string>& ids,
                         const RouteOptions& options, const core::DecisionTrace* trace) {
    LogText out;
    out.raw("{\"rule\":").str(d.rule).raw(",\"why\":");
    if (trace != nullptr)
        out.str(trace->why);
    else
        out.str(std::string(options.run_type) == "MANUAL_ASSIGNMENT"
                    ? "manual assignment (assign_facility): the facility was named by hand; no "
                      "routing rule, fence or stock was checked"
                    : "not traced: " + d.rule);
    // [[routingPlanId, status, facilityRef, [[lineId, article, quantity, short, beyondStock,
    //   reason]]]]
    out.raw(",\"plans\":[");
    for (std::size_t i = 0; i < d.parts.size(); ++i) {
        const auto& part = d.parts[i];
        out.raw(i == 0 ? "[" : ",[").str(ids[i]).raw(",").str(status_name(part.status)).raw(",");
        if (part.facility_ref)
            out.str(*part.facility_ref);
        else
            out.raw("null");
        out.raw(",[");
        for (std::size_t k = 0; k < part.lines.size(); ++k) {
            const auto& l = part.lines[k];
            out.raw(k == 0 ? "[" : ",[").str(l.line_id).raw(",").str(l.article).raw(",");
            out.num(l.quantity)
                .raw(",")
                .num(l.short_quantity)
                .raw(",")
                .flag(l.beyond_stock)
                .raw(",");
            if (part.status != core::PlanStatus::Waiting) {
                out.raw("null]");
                continue;
            }
            // A pass keeps what the rules found not routable waiting (SPEC §4).
            const char* reason = "UNKNOWN";
            if (trace != nullptr) {
                const auto found = trace->waiting.find(l.line_id);
                reason = found == trace->waiting.end() ? "NOT_ROUTABLE_KEPT_WAITING"
                                                       : core::reason_name(found->second);
            }
            out.str(reason).raw("]");
        }
        out.raw("]]");
    }
    out.raw("]");
    if (trace == nullptr) return out.raw("}").take();
    const core::DecisionTrace& t = *trace;
    const core::Strategy& s = t.strategy;
    // [fenceActive, fenceMode, orderSplitActive, maxSplitCount, useWaitingRoomFor...,
    //  waitingRoomOn, waitingRoomPriority]
    out.raw(",\"at\":").str(iso_time(t.now)).raw(",\"strategy\":[");
    out.flag(s.complete_stock_fence_active).raw(",");
    out.str(s.complete_stock_fence_mode == core::FenceMode::Static ? "static" : "reactive");
    out.raw(",").flag(s.order_split_active).raw(",").num(s.max_split_count).raw(",");
    out.flag(s.use_waiting_room_for_pre_back_order_items).raw(",").flag(s.waiting_room_on());
    out.raw(",").str(priority_name(s.waiting_room_priority)).raw("]");
    // [[article, needed, availableTotal, heldBack, usable]]
    out.raw(",\"articles\":[");
    for (std::size_t i = 0; i < t.articles.size(); ++i) {
        const auto& a = t.articles[i];
        out.raw(i == 0 ? "[" : ",[").str(a.article).raw(",").num(a.needed).raw(",");
        out.num(a.available_total).raw(",").num(a.held_back).raw(",").num(a.usable).raw("]");
    }
    out.raw("]");
    facilities_text(out, t);
    out.raw(",\"cap\":[").num(t.max_split_count).raw(",");
    out.num(static_cast<std::int64_t>(t.routed_plans)).raw(",").flag(t.split_cap_reached);
    return out.raw("]}").take();
}

}  // namespace waitroom::pg
