#include "webhook_sink.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <chrono>
#include <memory>

#include "signature.hpp"

namespace waitroomd {
namespace {

// The reply body is read and dropped: nothing of it is stored or logged (a receiver, or whatever
// a subscription points at, must not be able to make the outbox hold its bytes).
size_t discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

// A curl error text for delivery.last_error: control characters out, at most 200 bytes.
std::string short_reason(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (out.size() >= 200) break;
        out += std::iscntrl(static_cast<unsigned char>(c)) ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// The URL parsed once: the policy checks the very parts curl then requests (CURLOPT_CURLU).
struct Url {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle{curl_url(), curl_url_cleanup};
    std::string scheme;
    std::string host;
    std::string error;

    explicit Url(const std::string& text) {
        if (!handle) {
            error = "out of memory";
        } else if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
            error = "url not allowed: unparsable";
        } else {
            scheme = part(CURLUPART_SCHEME);
            host = part(CURLUPART_HOST);
        }
    }

private:
    [[nodiscard]] std::string part(CURLUPart which) const {
        char* text = nullptr;
        std::string out;
        if (curl_url_get(handle.get(), which, &text, 0) == CURLUE_OK) out = text;
        curl_free(text);
        return out;
    }
};

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

WebhookSink::WebhookSink(double timeout_seconds, UrlPolicy policy)
    : timeout_ms_(static_cast<long>(timeout_seconds * 1000)), policy_(std::move(policy)) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
    for (const auto& scheme : policy_.schemes()) {
        if (!protocols_.empty()) protocols_ += ',';
        protocols_ += scheme;
    }
}

// Every address curl is about to connect to, after name resolution: the place to refuse an
// allowed name that resolves to an internal address.
curl_socket_t WebhookSink::open_socket(void* self, curlsocktype /*purpose*/,
                                       curl_sockaddr* address) {
    auto* sink = static_cast<WebhookSink*>(self);
    std::string refused = sink->policy_.check_address(sink->host_, &address->addr);
    if (!refused.empty()) {
        sink->refused_ = std::move(refused);
        return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype, address->protocol);
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

    const Url url(delivery.url);
    if (!url.error.empty()) return {false, url.error};
    if (std::string refused = policy_.check_url(url.scheme, url.host); !refused.empty())
        return {false, refused};
    host_ = url.host;
    refused_.clear();

    std::array<char, CURL_ERROR_SIZE> curl_error{};
    curl_easy_setopt(curl, CURLOPT_CURLU, url.handle.get());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, delivery.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(delivery.body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "waitroomd/0.1");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error.data());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols_.c_str());
    // A redirect is a failed attempt ("HTTP 302"), never followed: its target is not checked.
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);

    const CURLcode rc = curl_easy_perform(curl);
    // (One refused address of several does not fail the request if another one served it.)
    if (rc != CURLE_OK && !refused_.empty()) return {false, refused_};
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        return {false, "timeout after " + std::to_string(timeout_ms_) + " ms"};
    }
    if (rc != CURLE_OK) {
        return {false, short_reason(curl_error[0] ? curl_error.data() : curl_easy_strerror(rc))};
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return {true, ""};
    return {false, "HTTP " + std::to_string(status)};
}

}  // namespace waitroomd
