#pragma once
// YAML → Config. Every error names FILE:LINE:COL and the key path; unknown keys are errors.
#include <expected>
#include <string>
#include <string_view>

#include "conf/model.hpp"

namespace dg::conf {

struct Error {
  Position where;
  std::string key;  // dotted path, e.g. "upstreams.aws.timeout" or "rules[2].match.regex"
  std::string message;

  // "FILE:LINE:COL: key: message"
  std::string str() const;
};

struct LoadOptions {
  // Where `system` upstream servers are read from (tests point it elsewhere).
  std::string resolv_conf = "/etc/resolv.conf";
};

std::expected<Config, Error> load_file(const std::string& path, const LoadOptions& options = {});
std::expected<Config, Error> load_string(std::string_view yaml, const std::string& file,
                                         const LoadOptions& options = {});

}  // namespace dg::conf
