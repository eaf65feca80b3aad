#pragma once
// The ENA driver's `linklocal_allowance_exceeded` counter: packets to link-local services (the
// Amazon resolver, IMDS, time sync) the ENI dropped because it was over its 1024 pps
// (DEPLOY.md §1). Read through a StatsProvider: EthtoolStats asks the driver (ETHTOOL_GSTATS);
// tests give a fake. EnaReader, polled every 10 s by aws::Monitor, turns readings into rises.
#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dg::proxy::aws {

inline constexpr std::string_view kEnaStat = "linklocal_allowance_exceeded";

class StatsProvider {
 public:
  virtual ~StatsProvider() = default;
  // The NIC statistic `stat` of `interface`, or why it cannot be read.
  virtual std::expected<uint64_t, std::string> read(const std::string& interface,
                                                    std::string_view stat) = 0;
};

// SIOCETHTOOL: ETHTOOL_GSSET_INFO for the count, ETHTOOL_GSTRINGS for the names, ETHTOOL_GSTATS
// for the values. Needs no privilege. Not exercised by the tests (no ENA here).
class EthtoolStats final : public StatsProvider {
 public:
  std::expected<uint64_t, std::string> read(const std::string& interface,
                                            std::string_view stat) override;
};

class EnaReader {
 public:
  EnaReader(std::vector<std::string> interfaces, StatsProvider& provider)
      : interfaces_(std::move(interfaces)), provider_(provider) {}

  struct Event {
    enum Kind { Rose, Failed } kind;
    std::string interface;
    uint64_t value = 0;  // Rose: the new value
    uint64_t rise = 0;   // Rose: by how much since the last reading
    std::string why;     // Failed
  };
  // Reads every interface once. The first reading of an interface is its baseline (no event);
  // a later higher value is a Rose; a failure is reported once until a reading succeeds again.
  std::vector<Event> poll();
  // The last value read, for devoguard_ena_linklocal_allowance_exceeded_total.
  const std::map<std::string, uint64_t>& values() const { return values_; }

 private:
  std::vector<std::string> interfaces_;
  StatsProvider& provider_;
  std::map<std::string, uint64_t> values_;
  std::map<std::string, bool> failing_;
};

}  // namespace dg::proxy::aws
