#pragma once
// Shared by the load tests: YAML snippets written as raw strings, and a resolv.conf per test.
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "conf/load.hpp"

namespace dg::conf::test {

// Raw strings start with a newline so that the snippet's first line is line 1 of the file.
inline std::string snippet(const std::string& raw) {
  return raw.starts_with('\n') ? raw.substr(1) : raw;
}

// A resolv.conf holding `content` (nullopt: a path that does not exist), unique to this test
// and process so that tests may run in parallel.
inline LoadOptions options_with_resolv(const std::optional<std::string>& content) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (auto& c : name)
    if (c == '/') c = '_';
  LoadOptions options;
  options.resolv_conf = testing::TempDir() + "resolv_" + name + "_" + std::to_string(getpid());
  if (content) {
    std::ofstream(options.resolv_conf) << *content;
  } else {
    options.resolv_conf += ".missing";
  }
  return options;
}

// Replaces every "RESOLV" in `text` with `path`: expected messages name the temp file.
inline std::string with_resolv(std::string text, const std::string& path) {
  for (auto at = text.find("RESOLV"); at != std::string::npos; at = text.find("RESOLV", at))
    text.replace(at, 6, path);
  return text;
}

}  // namespace dg::conf::test
