// Standard Webhooks signing (https://www.standardwebhooks.com/):
//   webhook-signature = "v1," + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"))
// The key is the base64-decoded part after "whsec_" for secrets in that form, else the
// secret's own bytes.
#pragma once

#include <string>

namespace waitroomd {

std::string webhook_signature(const std::string& secret, const std::string& webhook_id,
                              long long timestamp, const std::string& body);

std::string base64_encode(const std::string& bytes);
std::string base64_decode(const std::string& text);  // empty on malformed input

}  // namespace waitroomd
