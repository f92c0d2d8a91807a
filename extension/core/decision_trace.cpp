// The trace of a routing decision (decision_trace.hpp).
#include "cpp_only.hpp"

#include "decision_trace.hpp"

#include "router.hpp"

namespace waitroom::core {

TracedDecision route_traced(const RoutingRequest& request) {
    return TracedDecision{route(request), DecisionTrace{}};
}

const char* check_name(OfferCheck check) {
    switch (check) {
        case OfferCheck::Ok:
            return "OK";
        case OfferCheck::FacilityNotOnline:
            return "FACILITY_NOT_ONLINE";
        case OfferCheck::NoListing:
            return "NO_LISTING";
        case OfferCheck::ListingInactive:
            return "LISTING_INACTIVE";
        case OfferCheck::PreorderNotReleased:
            return "PREORDER_NOT_RELEASED";
        case OfferCheck::StockShort:
            return "STOCK_SHORT";
    }
    return "OK";
}

const char* reason_name(WaitingReason reason) {
    switch (reason) {
        case WaitingReason::BackorderNoStock:
            return "BACKORDER_NO_STOCK";
        case WaitingReason::PreorderNotReleased:
            return "PREORDER_NOT_RELEASED";
        case WaitingReason::QueuedBehindEarlierOrders:
            return "QUEUED_BEHIND_EARLIER_ORDERS";
        case WaitingReason::BundleIncomplete:
            return "BUNDLE_INCOMPLETE";
        case WaitingReason::SplitCapReached:
            return "SPLIT_CAP_REACHED";
        case WaitingReason::WaitingForOtherItems:
            return "WAITING_FOR_OTHER_ITEMS";
    }
    return "WAITING_FOR_OTHER_ITEMS";
}

}  // namespace waitroom::core
