// The module's settings (GUCs): defined here, at load, and read here.
#pragma once

namespace waitroom::pg {

// Defines every waitroom.* setting (from _PG_init).
void define_settings();

// waitroom.lock_strategy = all_candidates: place_order locks every candidate stock row
// before deciding (for benchmarks).
bool lock_all_candidates_first();

// Test hook: whether GUC waitroom.debug_fault is `name` ('core': the core throws inside
// place_order; 'batch_bookkeeping': the batch pass forgets what its decisions reserved).
bool debug_fault_is(const char* name);

}  // namespace waitroom::pg
