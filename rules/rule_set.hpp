#pragma once
// The compiled rule list: first match wins; dry-run rules are noted and evaluation goes on.
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "conf/load.hpp"
#include "conf/model.hpp"
#include "rules/subject.hpp"

namespace dg::rules {

enum class Action : uint8_t { Forward, NxDomain, NoData, Refused, ServFail, Drop };

// "forward", "nxdomain", … as in the decision log's `action` field.
std::string_view action_name(Action a);

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual bool matches(const Subject& s) const = 0;
  virtual std::string describe() const = 0;  // for `devoguard check`
};

struct Rule {
  std::string name;
  std::unique_ptr<Matcher> match;  // null: matches everything
  Action action = Action::Forward;
  int group = -1;  // Forward: index into conf::Config::upstreams
  bool dry_run = false;
  // "devoguard rule NAME", the EDE text of the rule's local answers: made once here rather
  // than per answer.
  std::string ede_text;
};

struct Decision {
  const Rule* rule = nullptr;  // null when no rule matched (the query is refused)
  Action action = Action::Refused;
  int group = -1;
  std::vector<const Rule*> dry_run;  // rules that would have acted, in order
  double label_score = -1;  // ≥ 0 when a `random_label` matcher was evaluated (dry run too)
  const Rule* label_score_rule = nullptr;  // the first rule whose matcher computed it
};

class RuleSet {
 public:
  // Compiles config.rules; a bad regex is an error at its position. `devolution_parent`
  // matchers take the parents of config.domain.
  static std::expected<RuleSet, conf::Error> compile(const conf::Config& config);

  Decision classify(const Subject& s) const;
  // Does any rule look at `devolved`? If not, the pipeline skips the tracker lookup.
  bool uses_devolved() const { return uses_devolved_; }
  const std::vector<Rule>& rules() const { return rules_; }
  // One line per rule: "name: match … → action" for `devoguard check`.
  std::vector<std::string> describe() const;

 private:
  std::vector<Rule> rules_;
  std::vector<std::string> group_names_;  // config.upstreams' names, for describe()
  bool uses_devolved_ = false;
};

}  // namespace dg::rules
