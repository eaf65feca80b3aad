// `devoguard version`: our version and those of the libraries we run on.
#include <libpsl.h>
#include <spdlog/version.h>
#include <uv.h>
#include <zlib.h>

#include <fmt/format.h>

#include <iostream>

#include "conf/ldns.hpp"
#include "proxy/cli/commands.hpp"
#include "proxy/version.hpp"
#include "rules/random_label/model.hpp"

namespace dg::proxy::cli {

void add_version(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("version", "Print the version of devoguard and its libraries.");
  cmd->callback([&action] {
    action = [] {
      std::cout << "devoguard " << kVersion << "\n"
                << "libuv " << uv_version_string() << "\n"
                << "ldns " << ldns_version() << "\n"
                << "yaml-cpp " << kYamlCppVersion << "\n"
                << fmt::format("spdlog {}.{}.{}\n", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR,
                               SPDLOG_VER_PATCH)
                << "libpsl " << psl_get_version() << "\n"
                << "zlib " << zlibVersion() << "\n"
                << "label model " << rules::random_label::model_id() << "\n";
      return 0;
    };
  });
}

}  // namespace dg::proxy::cli
