#pragma once
// `user:`: `run` started as root binds its sockets (port 53 needs root or
// CAP_NET_BIND_SERVICE) and then becomes this user for good: uid, gid and supplementary
// groups, real, effective and saved alike, on every thread (glibc applies set*id process-wide).
// Nothing afterwards needs root: a reload cannot change the listen addresses anyway, and the
// decision log is handed to the user before the switch (its directory must be writable by
// the user for rotation).
#include <sys/types.h>

#include <expected>
#include <string>

namespace dg::proxy::server {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

std::expected<Account, std::string> find_account(const std::string& name);

// Makes `path` (if it exists and we may) owned by `account`, so that the user can reopen it.
void hand_over(const std::string& path, const Account& account);

// Switches the process to `account`; an error when any step fails or root could be regained.
std::expected<void, std::string> become(const Account& account);

}  // namespace dg::proxy::server
