#include "url_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace waitroomd {
namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// a.b.c.d as one number, a in the high byte.
bool internal_ipv4(uint32_t a) {
    auto in = [a](uint32_t net, int bits) {
        const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
        return (a & mask) == net;
    };
    return in(0x00000000, 8)      // 0.0.0.0/8 "this network"
           || in(0x0A000000, 8)   // 10/8
           || in(0x64400000, 10)  // 100.64/10 carrier-grade NAT
           || in(0x7F000000, 8)   // 127/8 loopback
           || in(0xA9FE0000, 16)  // 169.254/16 link-local (cloud metadata)
           || in(0xAC100000, 12)  // 172.16/12
           || in(0xC0000000, 24)  // 192.0.0/24 protocol assignments
           || in(0xC0A80000, 16)  // 192.168/16
           || in(0xC6120000, 15)  // 198.18/15 benchmarking
           || in(0xE0000000, 4)   // 224/4 multicast
           || in(0xF0000000, 4);  // 240/4 reserved, broadcast
}

bool internal_ipv6(const std::array<uint8_t, 16>& b) {
    const bool zero_prefix =
        std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return x == 0; });
    if (zero_prefix && b[10] == 0xFF && b[11] == 0xFF) {  // ::ffff:a.b.c.d, IPv4-mapped
        return internal_ipv4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 |
                             uint32_t{b[15]});
    }
    if (zero_prefix && b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0 &&
        b[15] <= 1) {
        return true;  // :: and ::1
    }
    return (b[0] & 0xFE) == 0xFC                       // fc00::/7 unique local
           || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)  // fe80::/10 link-local
           || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)  // fec0::/10 site-local (deprecated)
           || b[0] == 0xFF;                            // ff00::/8 multicast
}

}  // namespace

UrlPolicy::UrlPolicy(std::vector<std::string> schemes, std::vector<std::string> hosts,
                     bool allow_internal)
    : schemes_(std::move(schemes)), hosts_(std::move(hosts)), allow_internal_(allow_internal) {
    for (auto& s : schemes_) s = lower(s);
    for (auto& h : hosts_) h = normalise_host(h);
}

std::string UrlPolicy::normalise_host(std::string host) {
    host = lower(std::move(host));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (!host.empty() && host.back() == '.') host.pop_back();
    return host;
}

bool UrlPolicy::listed_exactly(const std::string& host) const {
    return std::find(hosts_.begin(), hosts_.end(), normalise_host(host)) != hosts_.end();
}

bool UrlPolicy::host_listed(const std::string& host) const {
    const std::string h = normalise_host(host);
    if (h.empty()) return false;
    return std::any_of(hosts_.begin(), hosts_.end(), [&h](const std::string& pattern) {
        if (pattern == "*" || pattern == h) return true;
        // "*.example.com": a subdomain, at any depth; not example.com itself.
        return pattern.size() > 2 && pattern.compare(0, 2, "*.") == 0 &&
               ends_with(h, pattern.substr(1));
    });
}

std::string UrlPolicy::check_url(const std::string& scheme, const std::string& host) const {
    if (std::find(schemes_.begin(), schemes_.end(), lower(scheme)) == schemes_.end())
        return "url not allowed: scheme " + lower(scheme);
    if (!host_listed(host)) return "url not allowed: host " + normalise_host(host);
    return "";
}

std::string UrlPolicy::check_address(const std::string& host, const sockaddr* address) const {
    if (!internal_address(address) || allow_internal_) return "";
    // The operator named this very address: a literal cannot resolve elsewhere.
    if (listed_exactly(host) && normalise_host(host) == address_text(address)) return "";
    return "url not allowed: host " + normalise_host(host) + " is internal address " +
           address_text(address);
}

bool UrlPolicy::internal_address(const sockaddr* address) {
    if (address->sa_family == AF_INET) {
        sockaddr_in v4{};
        std::memcpy(&v4, address, sizeof v4);
        return internal_ipv4(ntohl(v4.sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, address, sizeof v6);
        std::array<uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
        return internal_ipv6(bytes);
    }
    return true;  // unix sockets and the like: never a webhook
}

std::string UrlPolicy::address_text(const sockaddr* address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (address->sa_family == AF_INET) {
        sockaddr_in v4{};
        std::memcpy(&v4, address, sizeof v4);
        inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
    } else if (address->sa_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, address, sizeof v6);
        inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
    }
    return text.data();
}

}  // namespace waitroomd
