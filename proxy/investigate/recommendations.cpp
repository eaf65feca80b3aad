#include "proxy/investigate/recommendations.hpp"

#include <algorithm>
#include <set>

#include "proxy/investigate/names.hpp"

namespace dg::proxy::investigate {
namespace {

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out.append(out.empty() ? "" : sep).append(i);
  return out;
}

Recommendation registry(const Report& r, const std::vector<std::string>& clients) {
  std::set<std::string> parents;
  std::string levels;
  for (const auto& s : r.suffixes) {
    parents.insert(s.parents.begin(), s.parents.end());
    levels += (levels.empty() ? "" : "; ") + s.name + " has " +
              std::to_string(label_count(s.name)) + " labels: set " +
              std::to_string(label_count(s.name));
  }
  std::string text =
      "On the listed clients set HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters\\"
      "UseDomainNameDevolution = 0 (DWORD, then reboot), or set HKLM\\System\\CurrentControlSet\\"
      "Services\\Dnscache\\Parameters\\DomainNameDevolutionLevel and run Restart-Service dnscache. "
      "Sources disagree on the level: the Zenn write-up suggests 1, while AWS documents only "
      "values of 3 or more as honoured; so set the label count of the suffix (" + levels + "). "
      "Also check Tcpip\\Parameters\\SearchList for an entry equal to a devolution parent (" +
      join(std::vector<std::string>(parents.begin(), parents.end())) +
      ") written by the launch agent, and remove it.";
  return Recommendation{"R1", "client registry: stop devolution", clients,
                        r.pairs.size() + r.unlisted_pairs, std::move(text)};
}

Recommendation ec2launch(const Report& r, const std::vector<std::string>& clients) {
  return Recommendation{
      "R2", "EC2Launch v2: upgrade to 2.0.1643 or later", clients,
      r.pairs.size() + r.unlisted_pairs,
      "EC2Launch v2 versions before 2.0.1643 do not honour the devolution level. Check with "
      "& \"C:\\Program Files\\Amazon\\EC2Launch\\EC2Launch.exe\" version and upgrade."};
}

Recommendation rule(const Report& r, bool dc_logs_only) {
  std::vector<std::string> names;
  for (const auto& s : r.suffixes) names.push_back(s.name);
  std::string text = "devoguard configuration:\n"
                     "domain:\n"
                     "  suffixes: [" + join(names) + "]\n"
                     "rules:\n"
                     "  - name: devolved\n"
                     "    match: { devolved: true }\n"
                     "    answer: nxdomain\n";
  if (dc_logs_only)
    text += "  # the clients are seen only through the DC, which answers the AD zone itself:\n"
            "  # the stateless probe rule, in dry run first\n"
            "  - name: random-under-parent\n"
            "    match:\n"
            "      devolution_parent: true\n"
            "      random_label: { min_score: 0.90 }\n"
            "    answer: nxdomain\n"
            "    dry_run: true\n";
  return Recommendation{"R3", "devoguard rule", {}, r.pairs.size() + r.unlisted_pairs,
                        std::move(text)};
}

}  // namespace

std::vector<Recommendation> recommend(const Report& r) {
  std::vector<Recommendation> out;
  if (!r.pairs.empty() || r.unlisted_pairs > 0) {
    std::set<std::string> set = r.unlisted_pair_clients;
    for (const auto& p : r.pairs) set.insert(p.client);
    const std::vector<std::string> clients(set.begin(), set.end());
    out.push_back(registry(r, clients));
    out.push_back(ec2launch(r, clients));
    const bool dc_only = !r.inputs.empty() &&
                         std::all_of(r.inputs.begin(), r.inputs.end(),
                                     [](const auto& i) { return i.format == "windows-debug"; });
    out.push_back(rule(r, dc_only));
  }
  std::set<std::string> leaking;
  uint64_t ad_names = 0;
  for (const auto& row : r.reached)
    if (row.kind == "ad-zone") {
      ++ad_names;
      leaking.insert(row.clients.begin(), row.clients.end());
    }
  if (ad_names > 0)
    out.push_back(Recommendation{
        "R4", "AD zones reach the AWS resolver",
        std::vector<std::string>(leaking.begin(), leaking.end()), ad_names,
        "These clients list the AWS resolver as a DNS server or fell back to it (DHCP) while "
        "the domain controllers were unreachable (the Qiita write-up). Point them at the DCs "
        "or devoguard with a DHCP options set or client settings, and add devoguard's "
        "ad-zones rule (match: {suffix: [<AD suffix>]}, forward: ad) so AD names never go to "
        "AWS."});
  if (r.chromium_bursts > 0)
    out.push_back(Recommendation{
        "R5", "Chromium intranet-redirect probes", r.chromium_clients, r.chromium_bursts,
        "Bursts of three random names are Chromium's IntranetRedirectDetector. It is off by "
        "default since M97; the IntranetRedirectBehavior policy value 3 re-enables it, so "
        "check the policy on these clients. Windows' own startup probes (one or two names) "
        "need no action."});
  return out;
}

}  // namespace dg::proxy::investigate
