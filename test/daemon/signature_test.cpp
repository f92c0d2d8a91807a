// waitroomd's Standard Webhooks signature against the published test vector
// (standard-webhooks / svix libraries), and base64 round trips.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signature.hpp"

namespace {

using waitroomd::base64_decode;
using waitroomd::base64_encode;
using waitroomd::webhook_signature;

TEST(WebhookSignature, MatchesTheStandardWebhooksTestVector) {
    EXPECT_EQ(
        webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                          1614265330, R"({"test": 2432232314})"),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(Base64, RoundTrips) {
    const std::vector<std::string> samples = {"",    "a",    "ab",
                                              "abc", "abcd", std::string("\0\xff\x10", 3)};
    for (const std::string& s : samples) {
        EXPECT_EQ(base64_decode(base64_encode(s)), s) << "sample of " << s.size() << " bytes";
    }
}

TEST(Base64, MalformedDecodesToNothing) { EXPECT_EQ(base64_decode("abc"), ""); }

}  // namespace
