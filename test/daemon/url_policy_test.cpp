// waitroomd's webhook URL allow-list (UrlPolicy): schemes, host patterns, and the internal
// addresses an allowed name must not resolve to.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "url_policy.hpp"

namespace {

int failures = 0;

void expect(const std::string& what, bool ok) {
    if (!ok) {
        std::printf("FAIL %s\n", what.c_str());
        ++failures;
    }
}

// A sockaddr for an IPv4 or IPv6 literal.
struct Address {
    sockaddr_storage storage{};
    explicit Address(const std::string& text) {
        sockaddr_in v4{};
        sockaddr_in6 v6{};
        if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
            v4.sin_family = AF_INET;
            std::memcpy(&storage, &v4, sizeof v4);
        } else if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
            v6.sin6_family = AF_INET6;
            std::memcpy(&storage, &v6, sizeof v6);
        }
    }
    [[nodiscard]] const sockaddr* get() const {
        return reinterpret_cast<const sockaddr*>(&storage);
    }
};

bool internal(const std::string& text) {
    return waitroomd::UrlPolicy::internal_address(Address(text).get());
}

}  // namespace

int main() {
    using waitroomd::UrlPolicy;
    const UrlPolicy defaults({"https"}, {"*"}, false);
    expect("default: https to any host", defaults.check_url("https", "hooks.example.org").empty());
    expect("default: http refused",
           defaults.check_url("http", "hooks.example.org") == "url not allowed: scheme http");

    const UrlPolicy listed({"https", "http"},
                           {"hooks.example.org", "*.billing.example", "127.0.0.1", "::1"}, false);
    expect("exact host", listed.check_url("https", "hooks.example.org").empty());
    expect("exact host, other case and a trailing dot",
           listed.check_url("HTTPS", "Hooks.Example.ORG.").empty());
    expect("another host refused",
           listed.check_url("https", "example.org") == "url not allowed: host example.org");
    expect("a suffix match needs the dot",
           !listed.check_url("https", "evilhooks.example.org").empty());
    expect("*.suffix: a subdomain", listed.check_url("https", "eu.billing.example").empty());
    expect("*.suffix: a deeper subdomain",
           listed.check_url("https", "a.eu.billing.example").empty());
    expect("*.suffix: not the suffix itself",
           !listed.check_url("https", "billing.example").empty());
    expect("*.suffix: not a look-alike", !listed.check_url("https", "evilbilling.example").empty());
    expect("IPv6 literal in brackets", listed.check_url("http", "[::1]").empty());
    expect("empty host refused", !listed.check_url("https", "").empty());

    for (const char* a : {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                          "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                          "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12::1",
                          "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"}) {
        expect(std::string("internal: ") + a, internal(a));
    }
    for (const char* a : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:4860::8888",
                          "::ffff:8.8.8.8"}) {
        expect(std::string("public: ") + a, !internal(a));
    }

    // An allowed name that resolves to an internal address is refused; a listed literal is not.
    expect("allowed name to loopback refused",
           listed.check_address("hooks.example.org", Address("127.0.0.1").get()) ==
               "url not allowed: host hooks.example.org is internal address 127.0.0.1");
    expect("allowed name to a public address",
           listed.check_address("hooks.example.org", Address("93.184.216.34").get()).empty());
    expect("listed literal 127.0.0.1",
           listed.check_address("127.0.0.1", Address("127.0.0.1").get()).empty());
    expect("listed literal [::1]", listed.check_address("[::1]", Address("::1").get()).empty());
    expect("\"*\" does not list a literal",
           !defaults.check_address("127.0.0.1", Address("127.0.0.1").get()).empty());
    const UrlPolicy internal_ok({"https"}, {"hooks.internal"}, true);
    expect("--webhook-allow-internal",
           internal_ok.check_address("hooks.internal", Address("10.0.0.5").get()).empty());

    return failures == 0 ? 0 : 1;
}
