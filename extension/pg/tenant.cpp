#include "pg/tenant.hpp"

#include <stdexcept>
#include <utility>

#include "core/errors.hpp"
#include "pg/spi.hpp"

namespace waitroom::pg {
namespace {

std::optional<std::string> current;

// The lookups by id alone (SPEC §7: a caller that gives an id without its tenant): the only
// statements of a call without `tenant_id = $n`, read by the ids' own indexes.
spi::Statement order_tenants_sql{
    "SELECT tenant_id FROM waitroom.orders WHERE order_id = $1::uuid LIMIT 2", 1};
spi::Statement plan_tenants_sql{
    "SELECT tenant_id FROM waitroom.routing_plan WHERE routing_plan_id = $1::uuid LIMIT 2", 1};

std::string one_tenant(spi::Statement& lookup, const std::string& id, const char* what) {
    const spi::Rows rows = spi::run(lookup, {id});
    if (rows.empty())
        throw core::UserError(core::sqlstate::kNoDataFound,
                              std::string(what) + " " + id + " not found");
    if (rows.size() > 1)
        throw core::UserError(
            core::sqlstate::kInvalidParameter,
            std::string(what) + " " + id + " exists in more than one tenant; pass tenant_id");
    return spi::text(rows[0], 0);
}

}  // namespace

const std::string& tenant() {
    if (!current) throw std::logic_error("waitroom: no tenant set for this call");
    return *current;
}

TenantScope::TenantScope(std::string tenant_id) : previous_(std::move(current)) {
    current = std::move(tenant_id);
}

TenantScope::~TenantScope() { current = std::move(previous_); }

std::optional<std::string> checked_tenant(const std::optional<std::string>& given) {
    if (given && given->empty())
        throw core::UserError(core::sqlstate::kInvalidParameter, "tenant_id must not be empty");
    return given;
}

std::string tenant_of_order(const std::string& order_id, const std::optional<std::string>& given) {
    if (checked_tenant(given)) return *given;
    return one_tenant(order_tenants_sql, order_id, "order_id");
}

std::string tenant_of_plan(const std::string& plan_id, const std::optional<std::string>& given) {
    if (checked_tenant(given)) return *given;
    return one_tenant(plan_tenants_sql, plan_id, "routing_plan_id");
}

}  // namespace waitroom::pg
