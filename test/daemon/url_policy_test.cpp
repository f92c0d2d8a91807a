// waitroomd's webhook URL allow-list (UrlPolicy): schemes, host patterns, and the internal
// addresses an allowed name must not resolve to.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "url_policy.hpp"

namespace {

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

const waitroomd::UrlPolicy& defaults() {
    static const waitroomd::UrlPolicy policy({"https"}, {"*"}, false);
    return policy;
}

const waitroomd::UrlPolicy& listed() {
    static const waitroomd::UrlPolicy policy(
        {"https", "http"}, {"hooks.example.org", "*.billing.example", "127.0.0.1", "::1"}, false);
    return policy;
}

TEST(UrlPolicy, DefaultAllowsHttpsToAnyHostOnly) {
    EXPECT_EQ(defaults().check_url("https", "hooks.example.org"), "");
    EXPECT_EQ(defaults().check_url("http", "hooks.example.org"), "url not allowed: scheme http");
}

TEST(UrlPolicy, HostPatterns) {
    EXPECT_EQ(listed().check_url("https", "hooks.example.org"), "") << "exact host";
    EXPECT_EQ(listed().check_url("HTTPS", "Hooks.Example.ORG."), "")
        << "exact host, other case and a trailing dot";
    EXPECT_EQ(listed().check_url("https", "example.org"), "url not allowed: host example.org");
    EXPECT_NE(listed().check_url("https", "evilhooks.example.org"), "")
        << "a suffix match needs the dot";
    EXPECT_EQ(listed().check_url("https", "eu.billing.example"), "") << "*.suffix: a subdomain";
    EXPECT_EQ(listed().check_url("https", "a.eu.billing.example"), "")
        << "*.suffix: a deeper subdomain";
    EXPECT_NE(listed().check_url("https", "billing.example"), "")
        << "*.suffix: not the suffix itself";
    EXPECT_NE(listed().check_url("https", "evilbilling.example"), "")
        << "*.suffix: not a look-alike";
    EXPECT_EQ(listed().check_url("http", "[::1]"), "") << "IPv6 literal in brackets";
    EXPECT_NE(listed().check_url("https", ""), "") << "empty host refused";
}

TEST(UrlPolicy, InternalAddresses) {
    for (const char* a : {"127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                          "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                          "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12::1",
                          "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"}) {
        EXPECT_TRUE(internal(a)) << a;
    }
    for (const char* a : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2001:4860::8888",
                          "::ffff:8.8.8.8"}) {
        EXPECT_FALSE(internal(a)) << a;
    }
}

// An allowed name that resolves to an internal address is refused; a listed literal is not.
TEST(UrlPolicy, ResolvedAddresses) {
    EXPECT_EQ(listed().check_address("hooks.example.org", Address("127.0.0.1").get()),
              "url not allowed: host hooks.example.org is internal address 127.0.0.1");
    EXPECT_EQ(listed().check_address("hooks.example.org", Address("93.184.216.34").get()), "");
    EXPECT_EQ(listed().check_address("127.0.0.1", Address("127.0.0.1").get()), "")
        << "listed literal";
    EXPECT_EQ(listed().check_address("[::1]", Address("::1").get()), "") << "listed literal [::1]";
    EXPECT_NE(defaults().check_address("127.0.0.1", Address("127.0.0.1").get()), "")
        << "\"*\" does not list a literal";
    const waitroomd::UrlPolicy internal_ok({"https"}, {"hooks.internal"}, true);
    EXPECT_EQ(internal_ok.check_address("hooks.internal", Address("10.0.0.5").get()), "")
        << "--webhook-allow-internal";
}

}  // namespace
