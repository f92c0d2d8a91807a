#include "webhook_sink.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>

#include "signature.hpp"

namespace waitroomd {
namespace {

// Keeps the start of the response body for last_error; the rest is discarded.
size_t keep_some(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const size_t n = size * count;
    if (body->size() < 300) body->append(data, std::min(n, 300 - body->size()));
    return n;
}

bool safe_header(const std::string& text) {
    return text.find_first_of("\r\n") == std::string::npos;
}

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    void add(const std::string& name, const std::string& value) {
        if (safe_header(name) && safe_header(value) && !name.empty()) {
            list = curl_slist_append(list, (name + ": " + value).c_str());
        }
    }
};

}  // namespace

WebhookSink::WebhookSink(double timeout_seconds)
    : timeout_ms_(static_cast<long>(timeout_seconds * 1000)) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
}

std::string WebhookSink::webhook_id(const Delivery& delivery) {
    return "evt_" + std::to_string(delivery.event_id);
}

SinkResult WebhookSink::deliver(const Delivery& delivery) {
    if (!curl_) curl_.reset(curl_easy_init());
    CURL* curl = curl_.get();
    if (!curl) return {false, "curl_easy_init failed"};
    curl_easy_reset(curl);  // keeps the connection cache

    const std::string id = webhook_id(delivery);
    const long long timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    HeaderList headers;
    const auto extra = nlohmann::json::parse(delivery.headers_json, nullptr, false);
    if (extra.is_object()) {
        for (const auto& [name, value] : extra.items()) {
            headers.add(name, value.is_string() ? value.get<std::string>() : value.dump());
        }
    }
    headers.add("Content-Type", "application/json");
    headers.add("webhook-id", id);
    headers.add("webhook-timestamp", std::to_string(timestamp));
    if (!delivery.secret.empty()) {
        headers.add("webhook-signature",
                    webhook_signature(delivery.secret, id, timestamp, delivery.body));
    }

    std::string response;
    std::array<char, CURL_ERROR_SIZE> curl_error{};
    curl_easy_setopt(curl, CURLOPT_URL, delivery.url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, delivery.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(delivery.body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "waitroomd/0.1");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_some);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error.data());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");

    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        return {false, std::string(curl_error[0] ? curl_error.data() : curl_easy_strerror(rc))};
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return {true, ""};
    return {false, "HTTP " + std::to_string(status) + (response.empty() ? "" : ": " + response)};
}

}  // namespace waitroomd
