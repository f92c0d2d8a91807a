// Tenants (SPEC §7): every call works for one tenant, and every statement it runs carries
// `tenant_id = $n` (on Citus: router-planned to the tenant's shard). The tenant of the call
// in progress is set by its entry point (TenantScope) and read by every statement's caller.
#pragma once

#include <optional>
#include <string>

namespace waitroom::pg {

// The tenant of an install that never names one.
inline constexpr const char* kDefaultTenant = "default";

// The tenant of the call in progress; std::logic_error outside every TenantScope (a bug).
const std::string& tenant();

// Sets the tenant for its lifetime and restores the one before (a trigger fired inside a
// call, or a loop over tenants, nests its own).
class TenantScope {
public:
    explicit TenantScope(std::string tenant_id);
    ~TenantScope();
    TenantScope(const TenantScope&) = delete;
    TenantScope& operator=(const TenantScope&) = delete;
    TenantScope(TenantScope&&) = delete;
    TenantScope& operator=(TenantScope&&) = delete;

private:
    std::optional<std::string> previous_;
};

// A tenant_id argument: nullopt for NULL; "" is refused (22023 naming tenant_id).
std::optional<std::string> checked_tenant(const std::optional<std::string>& given);

// The tenant of an order (of a plan): `given` when the caller named it (whether the row is
// that tenant's is for the caller's own lookup to find out: P0002), else the one tenant
// holding a row of that id (P0002 when none; 22023 when several hold one and the caller must
// name it).
std::string tenant_of_order(const std::string& order_id, const std::optional<std::string>& given);
std::string tenant_of_plan(const std::string& plan_id, const std::optional<std::string>& given);

}  // namespace waitroom::pg
