// Which webhook URLs waitroomd may request: whoever can write waitroom.subscription must not be
// able to point the daemon at any address it can reach (SSRF). Checked twice: the URL's scheme
// and host before the request, and every address the host resolves to when connecting (so a
// name allowed by the list cannot lead to a loopback, private or link-local address).
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

namespace waitroomd {

class UrlPolicy {
public:
    // schemes: "http", "https". hosts: an exact host name or IP address, "*.example.com" (its
    // subdomains) or "*" (any host). allow_internal: connections to internal addresses are
    // allowed for any allowed host, not only for an IP address listed exactly in hosts.
    UrlPolicy(std::vector<std::string> schemes, std::vector<std::string> hosts,
              bool allow_internal);

    // Empty when a URL of this scheme and host may be requested, else the reason
    // ("url not allowed: host example.org").
    std::string check_url(const std::string& scheme, const std::string& host) const;
    // Empty when a connection to this address may be opened for host, else the reason.
    std::string check_address(const std::string& host, const sockaddr* address) const;

    // Loopback, private (RFC 1918, unique local), link-local, CGNAT, unspecified, multicast and
    // reserved addresses, IPv4-mapped IPv6 included.
    static bool internal_address(const sockaddr* address);
    // "127.0.0.1", "::1": the address as text.
    static std::string address_text(const sockaddr* address);
    // Lower case, without IPv6 brackets or a trailing dot: the form hosts are compared in.
    static std::string normalise_host(std::string host);

    const std::vector<std::string>& schemes() const { return schemes_; }
    const std::vector<std::string>& hosts() const { return hosts_; }

private:
    bool host_listed(const std::string& host) const;
    bool listed_exactly(const std::string& host) const;

    std::vector<std::string> schemes_;
    std::vector<std::string> hosts_;
    bool allow_internal_;
};

}  // namespace waitroomd
