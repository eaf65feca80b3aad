#include "conf/name.hpp"

#include <gtest/gtest.h>

namespace dg::conf {
namespace {

struct NameCase {
  std::string name;
  std::string text;
  std::string want;  // the name, or "error: <reason>"
};

class NormalizeNameTest : public testing::TestWithParam<NameCase> {};

TEST_P(NormalizeNameTest, Normalize) {
  const auto& c = GetParam();
  auto got = normalize_name(c.text);
  EXPECT_EQ(got ? *got : "error: " + got.error(), c.want);
}

const std::string k63(63, 'a');

INSTANTIATE_TEST_SUITE_P(
    Cases, NormalizeNameTest,
    testing::Values(NameCase{"plain", "example.co.jp", "example.co.jp"},
                    NameCase{"case_and_dot", "Example.CO.JP.", "example.co.jp"},
                    NameCase{"single_label", "localhost", "localhost"},
                    NameCase{"service_labels", "_ldap._tcp.dc._msdcs.Example.co.jp",
                             "_ldap._tcp.dc._msdcs.example.co.jp"},
                    NameCase{"rfc2317", "0/25.2.0.192.in-addr.arpa", "0/25.2.0.192.in-addr.arpa"},
                    NameCase{"label_63", k63 + ".jp", k63 + ".jp"},
                    NameCase{"label_64", k63 + "a.jp", "error: label longer than 63 characters"},
                    NameCase{"empty", "", "error: empty name"},
                    NameCase{"root", ".", "error: empty name"},
                    NameCase{"two_final_dots", "a.jp..", "error: empty label"},
                    NameCase{"leading_dot", ".a.jp", "error: empty label"},
                    NameCase{"double_dot", "a..jp", "error: empty label"},
                    NameCase{"wildcard", "*.a.jp",
                             "error: wildcards are not supported (use suffix or regex)"},
                    NameCase{"space", "a b.jp", "error: invalid character ' '"},
                    NameCase{"escape", "a\\.b.jp", "error: invalid character '\\'"},
                    NameCase{"total_253",
                             k63 + "." + k63 + "." + k63 + "." + std::string(61, 'b'),
                             k63 + "." + k63 + "." + k63 + "." + std::string(61, 'b')},
                    NameCase{"total_254",
                             k63 + "." + k63 + "." + k63 + "." + std::string(62, 'b'),
                             "error: longer than 253 characters"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
