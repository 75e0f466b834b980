#include "server/metrics_endpoint.h"

#include <gtest/gtest.h>

namespace tributary::server {
namespace {

HttpRequest Get(std::string path) {
  HttpRequest r;
  r.method = "GET";
  r.target = path;
  r.path = std::move(path);
  return r;
}

TEST(MetricsEndpoint, MetricsHealthAnd404) {
  MetricsEndpoint e(MetricsEndpointOptions{{}, "inv\"src", "source"});
  e.registry().GetCounter("tributary_test_total", "t", {{"connector", e.connector()}}).Add(4);
  HttpResponse m = e.Handle(Get("/metrics"));
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.body.find("tributary_test_total{connector=\"inv\\\"src\"} 4\n"), std::string::npos)
      << m.body;

  HttpResponse h = e.Handle(Get("/health"));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.content_type, "application/json");
  EXPECT_EQ(h.body,
            "{\"status\":\"UP\",\"connector\":{\"name\":\"inv\\\"src\",\"type\":\"source\","
            "\"state\":\"STARTING\"}}\n");
  e.SetState(ConnectorState::kRunning);
  e.SetPhase(ConnectorPhase::kSnapshot);
  h = e.Handle(Get("/health"));
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.body.find("\"state\":\"RUNNING\",\"phase\":\"snapshot\""), std::string::npos);
  e.SetState(ConnectorState::kFailed);
  h = e.Handle(Get("/health"));
  EXPECT_EQ(h.status, 503);
  EXPECT_TRUE(h.body.starts_with("{\"status\":\"DOWN\""));

  EXPECT_EQ(e.Handle(Get("/")).status, 404);
  EXPECT_EQ(e.Handle(Get("/metrics/x")).status, 404);
}

TEST(MetricsEndpoint, StartsOnLoopback) {
  auto e = MetricsEndpoint::Start(MetricsEndpointOptions{{"127.0.0.1", 0}, "c", "sink"});
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_NE((*e)->port(), 0);
}

}  // namespace
}  // namespace tributary::server
