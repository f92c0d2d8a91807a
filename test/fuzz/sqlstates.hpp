// The SQLSTATEs SPEC §6 documents: the only codes a UserError may carry.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

namespace waitroom::fuzz {

inline bool documented_sqlstate(const std::string& code) {
    static const std::set<std::string> kSpec{"22P02", "22023", "P0002", "55000", "23505"};
    return kSpec.count(code) > 0;
}

// A finding: print it and abort, so libFuzzer saves the input as a crash.
[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
    std::abort();
}

}  // namespace waitroom::fuzz
