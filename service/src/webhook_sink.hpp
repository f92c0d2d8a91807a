// HTTP webhooks: POST of the envelope, signed the Standard Webhooks way, with the
// subscription's extra headers. One curl handle is reused so connections are kept alive.
#pragma once

#include <curl/curl.h>

#include <memory>

#include "sink.hpp"

namespace waitroomd {

class WebhookSink {
public:
    explicit WebhookSink(double timeout_seconds);
    SinkResult deliver(const Delivery& delivery);

    // The webhook-id of an event: the same on every retry and for every daemon, so receivers
    // can deduplicate.
    static std::string webhook_id(const Delivery& delivery);

private:
    long timeout_ms_;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl_{nullptr, curl_easy_cleanup};
};

}  // namespace waitroomd
