// Readers of the module's settings (GUCs defined in module.cpp).
#pragma once

namespace waitroom::pg {

// waitroom.lock_strategy = all_candidates: place_order locks every candidate stock row
// before deciding (for benchmarks).
bool lock_all_candidates_first();

// Test hook: whether GUC waitroom.debug_fault is `name` ('core': the core throws inside
// place_order; 'batch_bookkeeping': the batch pass forgets what its decisions reserved).
bool debug_fault_is(const char* name);

}  // namespace waitroom::pg
