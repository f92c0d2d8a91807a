#include "signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <vector>

namespace waitroomd {

std::string base64_encode(const std::string& bytes) {
    std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    return {reinterpret_cast<char*>(out.data()), static_cast<size_t>(n)};
}

std::string base64_decode(const std::string& text) {
    if (text.empty() || text.size() % 4 != 0) return "";
    std::vector<unsigned char> out(3 * text.size() / 4 + 1);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return "";
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --n;
    return {reinterpret_cast<char*>(out.data()), static_cast<size_t>(n)};
}

std::string webhook_signature(const std::string& secret, const std::string& webhook_id,
                              long long timestamp, const std::string& body) {
    static const std::string prefix = "whsec_";
    std::string key = secret;
    if (secret.compare(0, prefix.size(), prefix) == 0) {
        const std::string decoded = base64_decode(secret.substr(prefix.size()));
        if (!decoded.empty()) key = decoded;
    }
    const std::string signed_content = webhook_id + "." + std::to_string(timestamp) + "." + body;
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(),
         mac.data(), &mac_len);
    return "v1," + base64_encode(std::string(reinterpret_cast<char*>(mac.data()), mac_len));
}

}  // namespace waitroomd
