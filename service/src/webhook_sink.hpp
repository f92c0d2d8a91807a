// HTTP webhooks: POST of the envelope, signed the Standard Webhooks way, with the
// subscription's extra headers, to URLs the policy allows. One curl handle is reused so
// connections are kept alive. A failure's reason is a status or a short curl error, never
// bytes of the reply.
#pragma once

#include <curl/curl.h>

#include <memory>

#include "sink.hpp"
#include "url_policy.hpp"

namespace waitroomd {

class WebhookSink {
public:
    WebhookSink(double timeout_seconds, UrlPolicy policy);
    SinkResult deliver(const Delivery& delivery);

    // The webhook-id of an event: the same on every retry and for every daemon, so receivers
    // can deduplicate.
    static std::string webhook_id(const Delivery& delivery);

private:
    static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);

    long timeout_ms_;
    UrlPolicy policy_;
    std::string protocols_;  // CURLOPT_PROTOCOLS_STR: the allowed schemes
    std::string host_;       // of the request in hand, for open_socket
    std::string refused_;    // why open_socket refused an address, for the request in hand
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl_{nullptr, curl_easy_cleanup};
};

}  // namespace waitroomd
