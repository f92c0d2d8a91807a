// reroute_queue: deferred work (retry_queue.cpp).
#pragma once

#include <string>
#include <vector>

namespace waitroom::pg {

// Defers articles to reroute_queue: a drain (waitroomd's release_due, woken by NOTIFY
// waitroom_reroute at commit, or the next stock pass) re-routes their waiting plans afresh.
void defer_articles(const std::vector<std::string>& articles);

// The waiting articles of a plan (of plans) whose row another transaction holds, or whose
// re-route could not lock its stock rows now.
void defer_plan_articles(const std::string& plan_id);
void defer_plans_articles(const std::vector<std::string>& plan_ids);
// Claims up to 1000 deferred entries: their distinct articles.
std::vector<std::string> claim_deferred_articles();

}  // namespace waitroom::pg
