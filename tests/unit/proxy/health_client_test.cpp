// The /healthz client of `devoguard healthcheck`: URLs it accepts (IP addresses and localhost
// only, /healthz when no path), the loopback address it asks for a wildcard metrics listener,
// and the status lines it reads. The socket exchange itself is tested end to end
// (tests/e2e/test_healthcheck.py).
#include "proxy/metrics/health_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::proxy::metrics {
namespace {

struct UrlCase {
  std::string name, text, want;  // want: str() of the parsed URL, or "error"
};

class ParseHealthUrl : public testing::TestWithParam<UrlCase> {};

TEST_P(ParseHealthUrl, Parses) {
  const auto& c = GetParam();
  auto url = parse_health_url(c.text);
  if (c.want == "error") {
    ASSERT_FALSE(url) << url->str();
    EXPECT_TRUE(url.error().starts_with("--url " + c.text + ": ")) << url.error();
  } else {
    ASSERT_TRUE(url) << url.error();
    EXPECT_EQ(url->str(), c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseHealthUrl,
    testing::Values(
        UrlCase{"full", "http://127.0.0.1:9153/healthz", "http://127.0.0.1:9153/healthz"},
        UrlCase{"no_path", "http://127.0.0.1:9153", "http://127.0.0.1:9153/healthz"},
        UrlCase{"other_path", "http://10.0.0.53:9153/metrics", "http://10.0.0.53:9153/metrics"},
        UrlCase{"default_port", "http://127.0.0.1/healthz", "http://127.0.0.1:80/healthz"},
        UrlCase{"ipv6", "http://[::1]:9153/healthz", "http://[::1]:9153/healthz"},
        UrlCase{"localhost", "http://localhost:9153", "http://127.0.0.1:9153/healthz"},
        UrlCase{"localhost_no_port", "http://localhost", "http://127.0.0.1:80/healthz"},
        UrlCase{"https", "https://127.0.0.1:9153/healthz", "error"},
        UrlCase{"no_scheme", "127.0.0.1:9153", "error"},
        UrlCase{"host_name", "http://metrics.example.com:9153/", "error"},
        UrlCase{"localhost_lookalike", "http://localhostx:9153/", "error"},
        UrlCase{"bad_port", "http://127.0.0.1:99999/", "error"},
        UrlCase{"port_zero", "http://127.0.0.1:0/", "error"},
        UrlCase{"empty_host", "http:///healthz", "error"}),
    [](const auto& info) { return info.param.name; });

TEST(HealthUrlFor, WildcardListenersAreAskedOnLoopback) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0.0.0.0:9153", "http://127.0.0.1:9153/healthz"},
      {"[::]:9153", "http://[::1]:9153/healthz"},
      {"10.0.0.53:9153", "http://10.0.0.53:9153/healthz"},
      {"127.0.0.1:19153", "http://127.0.0.1:19153/healthz"},
  };
  for (const auto& [listen, want] : cases) {
    auto at = conf::Endpoint::parse(listen, 0);
    ASSERT_TRUE(at) << listen;
    EXPECT_EQ(health_url_for(*at).str(), want) << listen;
  }
}

TEST(ParseStatusLine, ReadsTheStatusCode) {
  const std::vector<std::pair<std::string, int>> good = {
      {"HTTP/1.1 200 OK", 200},
      {"HTTP/1.0 503 Service Unavailable", 503},
      {"HTTP/1.1 404", 404},
  };
  for (const auto& [line, want] : good) {
    auto s = parse_status_line(line);
    ASSERT_TRUE(s) << line << ": " << s.error();
    EXPECT_EQ(*s, want) << line;
  }
  for (std::string line : {"", "HTTP/2 200", "HTTP/1.1 2000 OK", "HTTP/1.1 20x OK",
                           "HTTP/1.1 099 x", "SSH-2.0-OpenSSH_9.2", "HTTP/1.1  200 OK"})
    EXPECT_FALSE(parse_status_line(line)) << "accepted \"" << line << "\"";
}

}  // namespace
}  // namespace dg::proxy::metrics
