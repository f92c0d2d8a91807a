// Reads fuzzer bytes as small decisions; past the end every read is 0, so any input, even
// an empty one, decodes to a valid value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace waitroom::fuzz {

class FuzzBytes {
public:
    FuzzBytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }

    // An integer in [lo, hi] (hi - lo < 2^32).
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        std::uint64_t v = 0;
        for (std::uint64_t reach = 1; reach < span; reach <<= 8) {
            v = (v << 8) | byte();
        }
        return lo + static_cast<std::int64_t>(v % span);
    }

    bool chance(int in_256) { return byte() < in_256; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

}  // namespace waitroom::fuzz
