// Ids of orders, plans and pick jobs.
#include "pg/ids.hpp"

// Postgres headers last: they redefine snprintf and friends.
#include "pg/guard.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/uuid.h"
}

namespace waitroom::pg {

// A version 4 UUID (RFC 4122) made as gen_random_uuid() makes it: pg_strong_random (an error,
// never a weaker fallback), printed by uuid_out. Order, plan and pick job ids must not repeat
// across backends (a per-backend seeded PRNG has too few streams) nor be predictable.
std::string new_uuid() {
    char* text = nullptr;  // palloc'd, freed with the memory context
    pg_call([&]() noexcept {
        pg_uuid_t uuid;
        if (!pg_strong_random(uuid.data, UUID_LEN))
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("waitroom: could not generate random values")));
        uuid.data[6] = (uuid.data[6] & 0x0f) | 0x40;  // version 4
        uuid.data[8] = (uuid.data[8] & 0x3f) | 0x80;  // RFC 4122 variant
        text = DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(&uuid)));
    });
    return text;
}

}  // namespace waitroom::pg
