#include "server/metrics_registry.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace tributary::server {

struct MetricsRegistry::Series {
  Labels labels;
  Counter counter;
  Gauge gauge;
  std::function<double()> callback;  // set: evaluated at render
  std::unique_ptr<InfoSeries> info;  // set: an info series
};

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  bool info = false;
  std::vector<std::unique_ptr<Series>> series;
};

namespace {

bool NameChar(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool ValidName(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!NameChar(name[i], i == 0, colon)) return false;
  }
  return true;
}

void AppendLabels(std::string& out, const Labels& a, const Labels* b) {
  if (a.empty() && (b == nullptr || b->empty())) return;
  out += '{';
  bool first = true;
  auto add = [&](const Labels& labels) {
    for (const auto& [k, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += k;
      out += "=\"";
      out += EscapeLabelValue(v);
      out += '"';
    }
  };
  add(a);
  if (b != nullptr) add(*b);
  out += '}';
}

}  // namespace

bool IsValidMetricName(std::string_view name) { return ValidName(name, true); }
bool IsValidLabelName(std::string_view name) {
  return ValidName(name, false) && !name.starts_with("__");
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Whole numbers up to 2^53 exactly, without an exponent or a fraction.
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);  // shortest text that reads back as the same double
}

void InfoSeries::Set(Labels labels) {
  std::lock_guard lock(mu_);
  labels_ = std::move(labels);
}

Labels InfoSeries::labels() const {
  std::lock_guard lock(mu_);
  return labels_;
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Series& MetricsRegistry::Find(std::string_view name, std::string_view help,
                                               MetricType type, Labels labels) {
  if (!IsValidMetricName(name)) {
    throw std::logic_error(fmt::format("metric name '{}' is not valid", name));
  }
  for (const auto& [k, v] : labels) {
    if (!IsValidLabelName(k)) {
      throw std::logic_error(fmt::format("label name '{}' of metric '{}' is not valid", k, name));
    }
  }
  // REQUIRES mu_ held.
  Family* family = nullptr;
  for (auto& f : families_) {
    if (f->name == name) {
      family = f.get();
      break;
    }
  }
  if (family == nullptr) {
    auto f = std::make_unique<Family>();
    f->name = std::string(name);
    f->help = std::string(help);
    f->type = type;
    family = f.get();
    families_.push_back(std::move(f));
  } else if (family->type != type) {
    throw std::logic_error(fmt::format("metric '{}' registered with two types", name));
  }
  for (auto& s : family->series) {
    if (s->labels == labels) return *s;
  }
  auto s = std::make_unique<Series>();
  s->labels = std::move(labels);
  family->series.push_back(std::move(s));
  return *family->series.back();
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  return Find(name, help, MetricType::kCounter, std::move(labels)).counter;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  return Find(name, help, MetricType::kGauge, std::move(labels)).gauge;
}

void MetricsRegistry::SetGaugeCallback(std::string_view name, std::string_view help, Labels labels,
                                       std::function<double()> fn) {
  std::lock_guard lock(mu_);
  Find(name, help, MetricType::kGauge, std::move(labels)).callback = std::move(fn);
}

InfoSeries& MetricsRegistry::GetInfo(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  Series& s = Find(name, help, MetricType::kGauge, std::move(labels));
  if (!s.info) s.info = std::make_unique<InfoSeries>();
  return *s.info;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& f : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f->name, EscapeHelp(f->help), f->name,
                       f->type == MetricType::kCounter ? "counter" : "gauge");
    for (const auto& s : f->series) {
      double value = 0;
      Labels extra;
      if (s->info) {
        extra = s->info->labels();
        if (extra.empty()) continue;
        value = 1;
      } else if (s->callback) {
        value = s->callback();
      } else if (f->type == MetricType::kCounter) {
        value = static_cast<double>(s->counter.value());
      } else {
        value = s->gauge.value();
      }
      out += f->name;
      AppendLabels(out, s->labels, s->info ? &extra : nullptr);
      out += ' ';
      if (f->type == MetricType::kCounter && !s->callback && !s->info) {
        out += fmt::format("{}", s->counter.value());  // exact above 2^53 too
      } else {
        out += FormatSampleValue(value);
      }
      out += '\n';
    }
  }
  return out;
}

double MetricsRegistry::ValueForTest(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    if (f->name != name) continue;
    for (const auto& s : f->series) {
      if (s->labels != labels) continue;
      if (s->callback) return s->callback();
      if (f->type == MetricType::kCounter) return static_cast<double>(s->counter.value());
      return s->gauge.value();
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace tributary::server
