// /metrics text (service/src/metrics.cpp): every series exists at 0 before anything happens,
// the latency histogram's buckets are cumulative, and subscriptions come and go with the
// database's list.
#include <gtest/gtest.h>

#include <string>

#include "metrics.hpp"

namespace {

using waitroomd::Metrics;

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, BuildInfoCarriesTheVersion) {
    const std::string text = Metrics().prometheus();
    EXPECT_TRUE(has_line(
        text, std::string("waitroomd_build_info{version=\"") + waitroomd::kVersion + "\"} 1"))
        << text;
    EXPECT_TRUE(has_line(text, "# TYPE waitroomd_build_info gauge"));
}

TEST(Metrics, WaitingRoomSeriesStartAtZero) {
    const std::string text = Metrics().prometheus();
    for (const char* status : waitroomd::kPlanStatuses)
        EXPECT_TRUE(has_line(text, std::string("waitroom_plans{status=\"") + status + "\"} 0"))
            << status;
    for (const char* reason : waitroomd::kWaitingReasons)
        EXPECT_TRUE(has_line(
            text, std::string("waitroom_waiting_lines_by_reason{reason=\"") + reason + "\"} 0"))
            << reason;
    EXPECT_TRUE(has_line(text, "waitroom_deliveries{state=\"dead\"} 0"));
    EXPECT_TRUE(has_line(text, "waitroom_oldest_wait_seconds 0"));
}

TEST(Metrics, KnownSubscriptionsStartAtZero) {
    Metrics m;
    m.set_subscriptions({{"billing", true, 0, 0}, {"paused", false, 0, 0}});
    const std::string text = m.prometheus();
    EXPECT_TRUE(has_line(text, "waitroomd_delivered_total{subscription=\"billing\"} 0"));
    EXPECT_TRUE(has_line(
        text,
        "waitroomd_delivery_latency_seconds_bucket{subscription=\"billing\",le=\"0.005\"} 0"));
    EXPECT_TRUE(
        has_line(text, "waitroomd_delivery_latency_seconds_count{subscription=\"billing\"} 0"));
    EXPECT_TRUE(has_line(text, "waitroom_subscription_lag_seconds{subscription=\"billing\"} 0"));
    EXPECT_TRUE(has_line(text, "waitroom_subscription_active{subscription=\"paused\"} 0"));
}

TEST(Metrics, LatencyBucketsAreCumulative) {
    Metrics m;
    m.delivery_latency("s", 0.004);  // <= 0.005
    m.delivery_latency("s", 0.005);  // on a bound: in that bucket (le)
    m.delivery_latency("s", 0.2);
    m.delivery_latency("s", 1000);  // beyond 5 min: +Inf only
    const std::string text = m.prometheus();
    const std::string b = "waitroomd_delivery_latency_seconds_bucket{subscription=\"s\",le=";
    EXPECT_TRUE(has_line(text, b + "\"0.005\"} 2")) << text;
    EXPECT_TRUE(has_line(text, b + "\"0.1\"} 2"));
    EXPECT_TRUE(has_line(text, b + "\"0.25\"} 3"));
    EXPECT_TRUE(has_line(text, b + "\"300\"} 3"));
    EXPECT_TRUE(has_line(text, b + "\"+Inf\"} 4"));
    EXPECT_TRUE(has_line(text, "waitroomd_delivery_latency_seconds_count{subscription=\"s\"} 4"));
    EXPECT_TRUE(
        has_line(text, "waitroomd_delivery_latency_seconds_sum{subscription=\"s\"} 1000.209"));
}

TEST(Metrics, ADeletedSubscriptionLosesItsGaugesNotItsCounters) {
    Metrics m;
    m.set_subscriptions({{"gone", true, 3, 1.5}});
    m.delivered("gone", 2);
    EXPECT_TRUE(has_line(m.prometheus(),
                         "waitroom_subscription_pending_deliveries{subscription=\"gone\"} 3"));
    m.set_subscriptions({});
    const std::string text = m.prometheus();
    EXPECT_EQ(text.find("waitroom_subscription_pending_deliveries{subscription=\"gone\"}"),
              std::string::npos);
    EXPECT_TRUE(has_line(text, "waitroomd_delivered_total{subscription=\"gone\"} 2"));
}

TEST(Metrics, ReasonsWithoutLinesFallBackToZero) {
    Metrics m;
    m.set_waiting_lines_by_reason({{"BACKORDER_NO_STOCK", 7}});
    EXPECT_TRUE(has_line(m.prometheus(),
                         "waitroom_waiting_lines_by_reason{reason=\"BACKORDER_NO_STOCK\"} 7"));
    m.set_waiting_lines_by_reason({{"BUNDLE_INCOMPLETE", 1}});
    const std::string text = m.prometheus();
    EXPECT_TRUE(
        has_line(text, "waitroom_waiting_lines_by_reason{reason=\"BACKORDER_NO_STOCK\"} 0"));
    EXPECT_TRUE(has_line(text, "waitroom_waiting_lines_by_reason{reason=\"BUNDLE_INCOMPLETE\"} 1"));
}

}  // namespace
