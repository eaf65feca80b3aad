#include "proxy/server/privilege.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dg::proxy::server {
namespace {

std::string failed(const char* what, const Account& a) {
  return std::string(what) + " for user " + a.name + ": " + std::strerror(errno);
}

}  // namespace

std::expected<Account, std::string> find_account(const std::string& name) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  const int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr)
    return std::unexpected("user: no such user \"" + name + "\"" +
                           (rc != 0 ? std::string(": ") + std::strerror(rc) : ""));
  return Account{name, pw.pw_uid, pw.pw_gid};
}

void hand_over(const std::string& path, const Account& account) {
  if (geteuid() == 0 && !path.empty()) (void)::chown(path.c_str(), account.uid, account.gid);
}

std::expected<void, std::string> become(const Account& a) {
  if (getuid() == a.uid && geteuid() == a.uid && getgid() == a.gid) return {};  // already
  // Groups first: once the uid is not 0 they cannot be changed any more.
  if (initgroups(a.name.c_str(), a.gid) != 0) return std::unexpected(failed("initgroups", a));
  if (setresgid(a.gid, a.gid, a.gid) != 0) return std::unexpected(failed("setresgid", a));
  if (setresuid(a.uid, a.uid, a.uid) != 0) return std::unexpected(failed("setresuid", a));
  // Belt and braces: a process that can become root again has dropped nothing.
  if (a.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
    return std::unexpected("user: could regain root after switching to " + a.name);
  return {};
}

}  // namespace dg::proxy::server
