// The API's request bodies (http/requests.h), parsed on their own: what a
// good body yields, and that every hostile or mistaken one is an
// InvalidArgument naming the field, never a crash or a silent default.
#include "http/requests.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.h"

namespace alertgate {
namespace {

// Expects `r` to be InvalidArgument with `fragment` in its message.
template <typename T>
void ExpectInvalid(const Result<T>& r, const std::string& fragment, const std::string& body) {
  ASSERT_FALSE(r.ok()) << "accepted: " << body;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
  EXPECT_NE(r.status().message().find(fragment), std::string::npos)
      << body << " -> " << r.status().message();
}

TEST(RequestsTest, StartDrillTakesIdAndMatchers) {
  auto r =
      ParseStartDrillRequest(R"({"id":"d1","matchers":["env=\"staging\"","team=~\"db|web\""]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "d1");
  EXPECT_EQ(r->matchers, (std::vector<std::string>{"env=\"staging\"", "team=~\"db|web\""}));
}

TEST(RequestsTest, StartDrillMatchersAreOptionalAndUnknownFieldsIgnored) {
  for (const std::string body : {R"({"id":"d1"})", R"({"id":"d1","matchers":null})",
                                 R"({"id":"d1","future":{"x":[1]}})", " \n{\"id\": \"d1\"}\n"}) {
    auto r = ParseStartDrillRequest(body);
    ASSERT_TRUE(r.ok()) << body << ": " << r.status().ToString();
    EXPECT_EQ(r->id, "d1") << body;
    EXPECT_TRUE(r->matchers.empty()) << body;
  }
}

TEST(RequestsTest, StartDrillKeepsBytesAfterAnEmbeddedNul) {
  // The length, not a C string, bounds the value: nothing is cut at \u0000.
  auto r = ParseStartDrillRequest(R"({"id":"a\u0000b","matchers":["x\u0000y"]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, std::string("a\0b", 3));
  ASSERT_EQ(r->matchers.size(), 1u);
  EXPECT_EQ(r->matchers[0], std::string("x\0y", 3));
}

TEST(RequestsTest, StartDrillRejectsBadBodies) {
  const struct {
    std::string body;
    std::string fragment;
  } cases[] = {
      {"", "id: missing"},  // an empty body is an empty object: the id is missing
      {"{}", "id: missing"},
      {R"({"id":""})", "id: missing"},
      {R"({"id":null})", "id: missing"},
      {R"({"id":7})", "id: expected a string"},
      {R"({"id":["d1"]})", "id: expected a string"},
      {R"({"id":"d1","matchers":"env=\"x\""})", "matchers: expected an array"},
      {R"({"id":"d1","matchers":{"env":"x"}})", "matchers: expected an array"},
      {R"({"id":"d1","matchers":["a=\"b\"",3]})", "matchers[1]: expected a string"},
      {R"({"id":"d1","id":"d2"})", "duplicate key"},
      {"[1,2]", "expected a JSON object"},
      {R"("d1")", "expected a JSON object"},
      {"null", "expected a JSON object"},
      {R"({"id":"d1")", "JSON"},
      {R"({"id":"d1"} trailing)", "JSON"},
      {R"({"id":"\udc00"})", "lone UTF-16 surrogate"},
      {R"({"id":"d1","x":)" + std::string(100, '[') + std::string(100, ']') + "}",
       "nested deeper than 64 levels"},
  };
  for (const auto& c : cases) ExpectInvalid(ParseStartDrillRequest(c.body), c.fragment, c.body);
}

TEST(RequestsTest, InjectionTakesScenarioAtAndKey) {
  auto r =
      ParseInjectionRequest(R"({"scenario":"A","at":"2026-11-27T05:48:00.5+01:00","key":"k"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->scenario, "A");
  ASSERT_TRUE(r->at.has_value());
  EXPECT_EQ(FormatRfc3339(*r->at), "2026-11-27T04:48:00.500Z");
  EXPECT_EQ(r->key, "k");
}

TEST(RequestsTest, InjectionAtAndKeyAreOptional) {
  for (const std::string body : {R"({"scenario":"A"})", R"({"scenario":"A","at":null,"key":null})",
                                 R"({"scenario":"A","at":"","key":""})"}) {
    auto r = ParseInjectionRequest(body);
    ASSERT_TRUE(r.ok()) << body << ": " << r.status().ToString();
    EXPECT_EQ(r->scenario, "A");
    EXPECT_FALSE(r->at.has_value()) << body;
    EXPECT_TRUE(r->key.empty()) << body;
  }
}

TEST(RequestsTest, InjectionRejectsBadBodies) {
  const struct {
    std::string body;
    std::string fragment;
  } cases[] = {
      {"", "scenario: missing"},
      {R"({"at":"2026-11-27T05:48:00Z"})", "scenario: missing"},
      {R"({"scenario":5})", "scenario: expected a string"},
      {R"({"scenario":"A","at":"yesterday"})", "at: "},
      {R"({"scenario":"A","at":"2026-11-27 05:48:00"})", "at: "},
      {R"({"scenario":"A","at":1764222480})", "at: expected a string"},
      {R"({"scenario":"A","key":true})", "key: expected a string"},
      {R"({"scenario":"A","key":"k\udc00"})", "lone UTF-16 surrogate"},
      {R"({"scenario":"A","scenario":"B"})", "duplicate key"},
      {"[]", "expected a JSON object"},
      {"{\"scenario\":\"A\xff\"}", "Invalid encoding"},
      {R"({"scenario":"A","x":NaN})", "invalid JSON"},
  };
  for (const auto& c : cases) ExpectInvalid(ParseInjectionRequest(c.body), c.fragment, c.body);
}

TEST(RequestsTest, ClearTakesAnOptionalAt) {
  for (const std::string body : {"", "  \r\n", "{}", R"({"at":null})", R"({"other":1})"}) {
    auto r = ParseClearRequest(body);
    ASSERT_TRUE(r.ok()) << "'" << body << "': " << r.status().ToString();
    EXPECT_FALSE(r->has_value()) << body;
  }
  auto at = ParseClearRequest(R"({"at":"2026-02-02T09:00:00Z"})");
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  ASSERT_TRUE(at->has_value());
  EXPECT_EQ(**at, *ParseRfc3339("2026-02-02T09:00:00Z"));
}

TEST(RequestsTest, ClearRejectsBadBodies) {
  ExpectInvalid(ParseClearRequest(R"({"at":"soon"})"), "at: ", "soon");
  ExpectInvalid(ParseClearRequest(R"({"at":0})"), "at: expected a string", "0");
  ExpectInvalid(ParseClearRequest("[]"), "expected a JSON object", "[]");
  ExpectInvalid(ParseClearRequest("{"), "JSON", "{");
}

}  // namespace
}  // namespace alertgate
