// waitroomd's Standard Webhooks signature against the published test vector
// (standard-webhooks / svix libraries), and base64 round trips.
#include <cstdio>
#include <string>
#include <vector>

#include "signature.hpp"

int main() {
    using namespace waitroomd;
    int failures = 0;
    auto expect = [&](const std::string& what, const std::string& got, const std::string& want) {
        if (got != want) {
            std::printf("FAIL %s: got %s, want %s\n", what.c_str(), got.c_str(), want.c_str());
            ++failures;
        }
    };
    expect("vector",
           webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                             "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
           "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const std::vector<std::string> samples = {"",    "a",    "ab",
                                              "abc", "abcd", std::string("\0\xff\x10", 3)};
    for (const std::string& s : samples) {
        expect("base64 round trip", base64_decode(base64_encode(s)), s);
    }
    expect("malformed base64", base64_decode("abc"), "");
    return failures == 0 ? 0 : 1;
}
