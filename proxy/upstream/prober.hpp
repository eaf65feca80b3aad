#pragma once
// Brings down servers back: on the main loop, every group's probe_interval, each server that is
// marked down is asked ". NS" over UDP; the first valid reply (any rcode) marks it up.
#include <uv.h>

#include <memory>
#include <unordered_set>

#include "proxy/pipeline/plan.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::upstream {

class Prober {
 public:
  explicit Prober(uv_loop_t* loop);
  ~Prober();
  // Starts probing for this plan's groups (replacing the previous plan's timers).
  void set_plan(std::shared_ptr<const pipeline::Plan> plan);
  void stop();

 private:
  struct GroupTimer;
  void tick(const pipeline::GroupPlan& group);

  uv_loop_t* loop_;
  std::shared_ptr<const pipeline::Plan> plan_;
  std::vector<std::unique_ptr<GroupTimer>> timers_;
  // Servers with a probe in flight (one at a time each); shared with the probes themselves.
  std::shared_ptr<std::unordered_set<const ServerState*>> probing_ =
      std::make_shared<std::unordered_set<const ServerState*>>();
};

}  // namespace dg::proxy::upstream
