// The module refuses to run under SQL objects of another version of the extension: between
// `make install` of a new waitroom.so and ALTER EXTENSION waitroom UPDATE, the old SQL
// declarations would call it with other arguments and other tables (0.3.0's tenants).
#pragma once

namespace waitroom::pg {

// The version this module is built for: the control file's default_version.
inline constexpr const char* kModuleVersion = "0.3.0";

// Raises 55000, naming both versions and the fix, when the database's waitroom extension is
// of another version. Reads the catalog once per backend; once it matched, it is not read
// again (an installed version only moves forward). Call from inside invoke().
void require_matching_sql_objects();

}  // namespace waitroom::pg
