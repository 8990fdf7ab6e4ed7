#include "alertmanager/config.h"

#include <gtest/gtest.h>

#include "alertmanager/router.h"
#include "lint/lint_test_util.h"

namespace alertgate {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

std::string Text(const std::vector<Matcher>& ms) {
  std::string out;
  for (const auto& m : ms) out += (out.empty() ? "" : ", ") + m.ToString();
  return out;
}

// The matchers of one `matchers:` entry, in Alertmanager's syntax.
Result<std::vector<Matcher>> ParseAlertmanagerMatchers(std::string_view text) {
  auto set = ParseMatchers(text, MatcherSyntax::kAlertmanager);
  if (!set.ok()) return set.status();
  return set->matchers();
}

TEST(AlertmanagerMatchersTest, ParsesAlertmanagerSyntax) {
  const struct {
    std::string in;
    std::string want;
  } kCases[] = {
      {R"(alertname="Watchdog")", R"(alertname="Watchdog")"},
      {"team = db", R"(team="db")"},
      {"{foo = \"bar\", dings != \"bums\", }", R"(foo="bar", dings!="bums")"},
      {"foo=bar,dings!=bums", R"(foo="bar", dings!="bums")"},
      {R"(statuscode=~"5..")", R"(statuscode=~"5..")"},
      {R"(quote="a,b")", R"(quote="a,b")"},
      {R"(q="say \"hi\"")", R"(q="say \"hi\"")"},
      {R"(path=~"\d+")", R"(path=~"\\d+")"},  // a lone backslash stays literal
      {R"(instance!~"test-.*")", R"(instance!~"test-.*")"},
      {"empty=", R"(empty="")"},
  };
  for (const auto& c : kCases) {
    auto got = ParseAlertmanagerMatchers(c.in);
    ASSERT_TRUE(got.ok()) << c.in << ": " << got.status().ToString();
    EXPECT_EQ(Text(*got), c.want) << c.in;
  }
}

TEST(AlertmanagerMatchersTest, RejectsWhatAlertmanagerRejects) {
  for (const std::string bad :
       {"foo", "=bar", R"(a="b"c")", R"(a="unterminated)", "a=b, ,c=d", R"(a=~"(")"}) {
    EXPECT_FALSE(ParseAlertmanagerMatchers(bad).ok()) << bad;
  }
}

TEST(AlertmanagerSetupTest, InheritsTimersReceiverAndGroupBy) {
  auto s = LoadAlertmanagerSetup(test::SourcePath("fixtures/lint/nested/alertmanager.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const AmRoute& root = s->root;
  EXPECT_EQ(root.group_wait, seconds(5));
  EXPECT_EQ(root.group_interval, minutes(1));
  EXPECT_EQ(root.repeat_interval, std::chrono::hours(4));  // default
  ASSERT_EQ(root.routes.size(), 3u);
  const AmRoute& team = root.routes[0];
  EXPECT_EQ(team.group_interval, seconds(20));
  EXPECT_TRUE(team.continue_matching);
  const AmRoute& ag = team.routes[0];
  EXPECT_EQ(ag.receiver, "alertgate");
  EXPECT_EQ(ag.group_wait, seconds(5));       // from the root
  EXPECT_EQ(ag.group_interval, seconds(20));  // from its parent
  EXPECT_EQ(ag.group_by, std::vector<std::string>{"alertname"});
  EXPECT_EQ(test::StripSourceDir(ag.group_interval_where.ToString()),
            "fixtures/lint/nested/alertmanager.yml:11");
  const AmRoute& all = root.routes[1];
  EXPECT_TRUE(all.group_by_all);
  EXPECT_EQ(all.group_wait, seconds(10));
  EXPECT_EQ(all.MatchersText(), R"({severity=~"critical|page"})");
  EXPECT_EQ(root.routes[2].receiver, "oncall");
  ASSERT_EQ(s->inhibit_rules.size(), 1u);
  EXPECT_EQ(s->inhibit_rules[0].equal, std::vector<std::string>{"team"});
}

TEST(AlertmanagerSetupTest, StockDefaults) {
  auto s = LoadAlertmanagerSetup(test::SourcePath("fixtures/lint/stock/alertmanager.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->root.routes[0].group_wait, seconds(30));
  EXPECT_EQ(s->root.routes[0].group_interval, minutes(5));
}

TEST(AlertmanagerSetupTest, ErrorsNameFileAndLine) {
  const struct {
    std::string yaml;
    std::string want;
  } kCases[] = {
      {"receivers: [{name: a}]\n", "am.yml:1: route: missing"},
      {"route:\n  group_by: [x]\nreceivers: [{name: a}]\n",
       "am.yml:2: route: the root route must "
       "specify a default receiver"},
      {"route:\n  receiver: a\n  matchers: [x=\"y\"]\nreceivers: [{name: a}]\n",
       "am.yml:2: route: the root route must not have any matchers"},
      {"route:\n  receiver: a\n  routes:\n    - receiver: b\nreceivers: [{name: a}]\n",
       "am.yml:4: undefined receiver \"b\" used in route.routes[0]"},
      {"route:\n  receiver: a\n  routes:\n    - matchers: ['x=~\"(\"']\nreceivers: [{name: a}]\n",
       "am.yml:4: route.routes[0].matchers[0]: invalid regex"},
      {"route:\n  receiver: a\n  group_wait: soon\nreceivers: [{name: a}]\n",
       "am.yml:3: route.group_wait: "},
      {"route:\n  receiver: a\n  group_interval: 0s\nreceivers: [{name: a}]\n",
       "am.yml:3: group_interval cannot be zero"},
      {"route: [\n", "am.yml:2: "},
      {"route:\n  receiver: a\n  group_by: ['...', x]\nreceivers: [{name: a}]\n",
       "am.yml:3: route.group_by: cannot have wildcard"},
  };
  for (const auto& c : kCases) {
    auto s = ParseAlertmanagerSetup(c.yaml, "am.yml");
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_EQ(s.status().message().rfind(c.want, 0), 0u) << s.status().message();
  }
}

TEST(AlertmanagerRoutesTest, PartialLabelsGiveEveryPossibleOutcome) {
  auto s = LoadAlertmanagerSetup(test::SourcePath("fixtures/lint/nested/alertmanager.yml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // team unknown: route.routes[0] (team="db") may or may not match.
  auto outcomes = MatchRoutesPartial(s->root, {{"alertname", "X"}, {"severity", "critical"}});
  ASSERT_EQ(outcomes.size(), 2u);
  std::vector<std::string> paths;
  for (const auto* r : outcomes[0].routes) paths.push_back(r->path);
  EXPECT_EQ(paths, (std::vector<std::string>{"route.routes[0].routes[0]", "route.routes[1]",
                                             "route.routes[2]"}));
  EXPECT_EQ(outcomes[0].depends_on, std::set<std::string>{"team"});
  paths.clear();
  for (const auto* r : outcomes[1].routes) paths.push_back(r->path);
  EXPECT_EQ(paths, (std::vector<std::string>{"route.routes[1]", "route.routes[2]"}));
  // Known labels: one certain outcome, equal to the exact resolver.
  const Labels full = {{"severity", "critical"}, {"team", "db"}};
  auto certain = MatchRoutesPartial(s->root, full);
  ASSERT_EQ(certain.size(), 1u);
  EXPECT_TRUE(certain[0].depends_on.empty());
  EXPECT_EQ(certain[0].routes, MatchRoutes(s->root, full));
}

TEST(AlertmanagerRoutesTest, ThreeValuedMatch) {
  auto m = ParseAlertmanagerMatchers(R"(team="db", severity=~"crit.*")");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(MatchPartial(*m, {{"team", "db"}, {"severity", "critical"}}), Tri::kYes);
  EXPECT_EQ(MatchPartial(*m, {{"team", "web"}}), Tri::kNo);
  std::set<std::string> unknown;
  EXPECT_EQ(MatchPartial(*m, {{"team", "db"}}, &unknown), Tri::kMaybe);
  EXPECT_EQ(unknown, std::set<std::string>{"severity"});
}

}  // namespace
}  // namespace alertgate
