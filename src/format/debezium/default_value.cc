// Column defaults → the JSON of the Connect schema `default` (DefaultJson in
// value_converter.h), following Debezium's BinlogDefaultValueConverter.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "format/debezium/json_writer.h"
#include "format/debezium/value_converter.h"

namespace tributary::format::debezium {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

bool IsCurrentTimestamp(std::string_view s) {
  static const std::regex kNow(
      R"(^\s*(current_timestamp|now|localtime|localtimestamp)\s*(\(\s*\d*\s*\))?\s*$)",
      std::regex::icase);
  return std::regex_match(s.begin(), s.end(), kNow);
}

bool IsNumericConversion(Conversion c) {
  switch (c) {
    case Conversion::kBoolean:
    case Conversion::kInteger:
    case Conversion::kUnsignedDecimal:
    case Conversion::kFloat32:
    case Conversion::kFloat64:
    case Conversion::kDecimalPrecise:
    case Conversion::kDecimalDouble:
    case Conversion::kDecimalString:
    case Conversion::kBits:
      return true;
    default:
      return false;
  }
}

bool IsTemporalConversion(Conversion c) {
  switch (c) {
    case Conversion::kDateDays:
    case Conversion::kTimeMicros:
    case Conversion::kTimeMillis:
    case Conversion::kDateTimeMillis:
    case Conversion::kDateTimeMicros:
    case Conversion::kZonedTimestamp:
      return true;
    default:
      return false;
  }
}

bool ParseDouble(const std::string& s, double* d) {
  if (s.empty()) return false;
  char* end = nullptr;
  *d = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Java's Math.round(double).
int64_t JavaRound(double d) { return static_cast<int64_t>(std::floor(d + 0.5)); }

// new BigDecimal(s).setScale(scale, HALF_UP) as sign + unscaled digits; false when `s`
// is not a plain decimal.
bool ScaleDecimal(const std::string& s, int scale, bool* negative, std::string* digits) {
  static const std::regex kDec(R"(^([+-]?)(\d*)(?:\.(\d*))?$)");
  std::smatch m;
  if (!std::regex_match(s, m, kDec)) return false;
  std::string ip = m[2].str(), fp = m[3].str();
  if (ip.empty() && fp.empty()) return false;
  *negative = m[1].str() == "-";
  bool round_up = false;
  if (static_cast<int>(fp.size()) > scale) {
    round_up = fp[scale] >= '5';
    fp.resize(scale);
  } else {
    fp.append(scale - fp.size(), '0');
  }
  *digits = ip + fp;
  if (digits->empty()) *digits = "0";
  if (round_up) {
    int i = static_cast<int>(digits->size()) - 1;
    while (i >= 0 && (*digits)[i] == '9') (*digits)[i--] = '0';
    if (i < 0) {
      digits->insert(digits->begin(), '1');
    } else {
      ++(*digits)[i];
    }
  }
  size_t nz = digits->find_first_not_of('0');
  *digits = nz == std::string::npos ? "0" : digits->substr(nz);
  if (*digits == "0") *negative = false;
  return true;
}

std::string PlainDecimal(bool negative, const std::string& digits, int scale) {
  std::string out;
  if (negative) out.push_back('-');
  if (scale == 0) return out + digits;
  std::string d = digits;
  if (static_cast<int>(d.size()) <= scale) d.insert(0, scale + 1 - d.size(), '0');
  out += d.substr(0, d.size() - scale) + "." + d.substr(d.size() - scale);
  return out;
}

struct DateTimeParts {
  int64_t y = 0;
  int mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int64_t micros = 0;
};

// yyyy-MM-dd[ HH:mm[:ss[.fffffffff]]]
bool ParseIsoDateTime(const std::string& v, DateTimeParts* p) {
  static const std::regex kDt(
      R"(^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$)");
  std::smatch m;
  if (!std::regex_match(v, m, kDt)) return false;
  p->y = std::stoll(m[1].str());
  p->mo = std::stoi(m[2].str());
  p->d = std::stoi(m[3].str());
  if (m[4].matched) {
    p->h = std::stoi(m[4].str());
    p->mi = std::stoi(m[5].str());
  }
  if (m[6].matched) p->s = std::stoi(m[6].str());
  if (m[7].matched) {
    std::string f = m[7].str();
    f.resize(9, '0');
    p->micros = std::stoll(f) / 1000;
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (p->mo < 1 || p->mo > 12 || p->d < 1 || p->d > kDays[p->mo - 1]) return false;
  bool leap = (p->y % 4 == 0 && p->y % 100 != 0) || p->y % 400 == 0;
  if (p->mo == 2 && p->d == 29 && !leap) return false;
  return p->h < 24 && p->mi < 60 && p->s < 60;
}

bool IsZeroTemporal(const std::string& v, bool with_time_only) {
  static const std::regex kZeroTs(
      R"((\d{4}-\d{2}-00|\d{4}-00-\d{2}|0000-\d{2}-\d{2}) (00:00:00(\.\d{1,6})?))");
  static const std::regex kZeroDate(R"(\d{4}-\d{2}-00|\d{4}-00-\d{2}|0000-\d{2}-\d{2})");
  if (v == "0") return true;
  if (std::regex_match(v, kZeroTs)) return true;
  return !with_time_only && std::regex_match(v, kZeroDate);
}

int64_t MicrosOf(const DateTimeParts& p) {
  return DaysFromCivil(p.y, p.mo, p.d) * 86400000000LL +
         ((int64_t{p.h} * 60 + p.mi) * 60 + p.s) * 1000000 + p.micros;
}

// Debezium's cleanTimestamp + Timestamp.valueOf: lenient "y-m-d h:m:s.f" with any
// non-digit separators; the JVM zone is taken to be UTC.
bool ParseLenientTimestamp(const std::string& v, DateTimeParts* p) {
  std::vector<std::string> nums;
  std::string cur;
  size_t period = std::string::npos;
  int groups = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      cur.push_back(c);
    } else {
      if (!cur.empty()) {
        nums.push_back(cur);
        ++groups;
        if (c == '.' && groups == 6) period = nums.size();
        cur.clear();
      }
    }
  }
  if (!cur.empty()) nums.push_back(cur);
  if (nums.size() < 3) return false;
  p->y = std::stoll(nums[0]);
  p->mo = std::stoi(nums[1]);
  p->d = std::stoi(nums[2]);
  if (p->mo < 1 || p->mo > 12 || p->d < 1 || p->d > 31) return false;
  if (nums.size() > 3) p->h = std::stoi(nums[3]);
  if (nums.size() > 4) p->mi = std::stoi(nums[4]);
  if (nums.size() > 5) p->s = std::stoi(nums[5]);
  if (period != std::string::npos && nums.size() > 6) {
    std::string f = nums[6];
    f.resize(9, '0');
    p->micros = std::stoll(f) / 1000;
  }
  return true;
}

}  // namespace

std::optional<std::string> DefaultJson(const ColumnPlan& plan, std::string_view expression) {
  const Conversion c = plan.conversion;
  std::string v(expression);
  if (IsNumericConversion(c) || IsTemporalConversion(c)) v = Trim(v);
  // Strip a character set introducer: _utf8mb4'abc' → abc.
  static const std::regex kIntroducer(R"(^_[A-Za-z0-9]+'(.*)'$)");
  std::smatch im;
  if (std::regex_match(v, im, kIntroducer)) v = im[1].str();
  if (IsCurrentTimestamp(v)) {
    if (!IsTemporalConversion(c)) return std::nullopt;
    v = "1970-01-01 00:00:00";
  }
  // b'0101' / 0b0101 bit literals arrive as their digits.
  if ((c == Conversion::kBits || c == Conversion::kBoolean) && v.size() > 3 &&
      (v[0] == 'b' || v[0] == 'B') && v[1] == '\'' && v.back() == '\'') {
    v = v.substr(2, v.size() - 3);
  }
  if (IsNumericConversion(c) && (IEquals(v, "true") || IEquals(v, "false"))) {
    v = IEquals(v, "true") ? "1" : "0";
  }
  std::string out;
  switch (c) {
    case Conversion::kBoolean: {
      double d;
      bool b;
      if (ParseDouble(v, &d) && v.find_first_of(".eE") == std::string::npos) {
        b = d != 0;
      } else {
        b = IEquals(v, "true");
      }
      return std::string(b ? "true" : "false");
    }
    case Conversion::kInteger: {
      double d;
      if (!ParseDouble(v, &d)) return std::nullopt;
      int64_t r = JavaRound(d);
      if (plan.int_bits == 16 && !plan.is_unsigned) r = static_cast<int16_t>(r);
      AppendInt(r, &out);
      return out;
    }
    case Conversion::kUnsignedDecimal:
    case Conversion::kDecimalPrecise:
    case Conversion::kDecimalDouble:
    case Conversion::kDecimalString: {
      bool negative = false;
      std::string digits;
      int scale = c == Conversion::kUnsignedDecimal ? 0 : plan.scale;
      if (!ScaleDecimal(v, scale, &negative, &digits)) return std::nullopt;
      if (c == Conversion::kDecimalString) {
        AppendJsonStringLiteral(PlainDecimal(negative, digits, scale), &out);
      } else if (c == Conversion::kDecimalDouble) {
        AppendJavaDouble(std::strtod(PlainDecimal(negative, digits, scale).c_str(), nullptr), &out);
      } else if (plan.decimal_numeric) {
        AppendBigDecimalString(digits, scale, negative, &out);
      } else {
        std::string bytes;
        AppendTwosComplement(digits, negative, &bytes);
        out.push_back('"');
        AppendBase64(bytes, &out);
        out.push_back('"');
      }
      return out;
    }
    case Conversion::kFloat32:
    case Conversion::kFloat64: {
      double d;
      if (!ParseDouble(v, &d)) return std::nullopt;
      if (c == Conversion::kFloat32) {
        AppendJavaFloat(static_cast<float>(d), &out);
      } else {
        AppendJavaDouble(d, &out);
      }
      return out;
    }
    case Conversion::kString:
    case Conversion::kText:
    case Conversion::kEnum:
    case Conversion::kSet:
    case Conversion::kJson:
      AppendJsonStringLiteral(v, &out);
      return out;
    case Conversion::kBinary:
      out.push_back('"');
      if (plan.binary_mode == BinaryMode::kHex) {
        AppendHexLower(v, &out);
      } else if (plan.binary_mode == BinaryMode::kBase64UrlSafe) {
        AppendBase64Url(v, &out);
      } else {
        AppendBase64(v, &out);
      }
      out.push_back('"');
      return out;
    case Conversion::kBits: {
      if (v.empty() || v.find_first_not_of("01") != std::string::npos) return std::nullopt;
      std::string be;
      for (size_t end = v.size(); end > 0;) {
        size_t start = end >= 8 ? end - 8 : 0;
        be.insert(be.begin(), static_cast<char>(std::stoi(v.substr(start, end - start), nullptr, 2)));
        end = start;
      }
      std::string le(be.rbegin(), be.rend());
      size_t nbytes = static_cast<size_t>((plan.length + 7) / 8);
      if (le.size() < nbytes) le.resize(nbytes, '\0');
      out.push_back('"');
      AppendBase64(le, &out);
      out.push_back('"');
      return out;
    }
    case Conversion::kYear: {
      int64_t y = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), y);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
      if (y >= 0 && y <= 69) y += 2000;
      else if (y >= 70 && y <= 99) y += 1900;
      AppendInt(y, &out);
      return out;
    }
    case Conversion::kDateDays: {
      DateTimeParts p;
      if (IsZeroTemporal(v, false) || !ParseIsoDateTime(v, &p)) {
        if (plan.optional) return std::nullopt;
        return std::string("0");
      }
      AppendInt(DaysFromCivil(p.y, p.mo, p.d), &out);
      return out;
    }
    case Conversion::kTimeMicros:
    case Conversion::kTimeMillis: {
      static const std::regex kTs(R"(^[0-9]*-[0-9]*-[0-9]* ([0-9]*:[0-9]*:[0-9]*(\.[0-9]*)?)$)");
      static const std::regex kTime(R"(^(-?[0-9]*):([0-9]*)(:([0-9]*))?(\.([0-9]*))?$)");
      std::smatch m;
      std::string t = v;
      if (std::regex_match(v, m, kTs)) t = m[1].str();
      if (!std::regex_match(t, m, kTime) || m[1].str().empty() || m[1].str() == "-" ||
          m[2].str().empty()) {
        return std::nullopt;
      }
      bool negative = t[0] == '-';
      int64_t h = std::llabs(std::stoll(m[1].str()));
      int64_t mi = std::stoll(m[2].str());
      int64_t s = m[4].matched && !m[4].str().empty() ? std::stoll(m[4].str()) : 0;
      int64_t us = 0;
      if (m[4].matched && m[6].matched) {
        std::string f = m[6].str();
        f.resize(6, '0');
        us = std::stoll(f);
      }
      int64_t total = ((h * 60 + mi) * 60 + s) * 1000000 + us;
      if (negative) total = -total;
      AppendInt(c == Conversion::kTimeMicros ? total
                                             : (total >= 0 ? total / 1000 : -((-total + 999) / 1000)),
                &out);
      return out;
    }
    case Conversion::kDateTimeMillis:
    case Conversion::kDateTimeMicros: {
      DateTimeParts p;
      if (IsZeroTemporal(v, true)) {
        if (plan.optional) return std::nullopt;
        v = "1970-01-01 00:00:00";
      }
      if (!ParseIsoDateTime(v, &p)) {
        if (plan.optional) return std::nullopt;
        p = DateTimeParts{1970, 1, 1, 0, 0, 0, 0};
      }
      int64_t us = MicrosOf(p);
      AppendInt(c == Conversion::kDateTimeMicros ? us : (us >= 0 ? us / 1000 : -((-us + 999) / 1000)),
                &out);
      return out;
    }
    case Conversion::kZonedTimestamp: {
      if (IsZeroTemporal(v, true) || v == "1970-01-01 00:00:00") {
        if (plan.optional) return std::nullopt;
        return std::string("\"1970-01-01T00:00:00Z\"");
      }
      DateTimeParts p;
      if (!ParseLenientTimestamp(v, &p)) return std::nullopt;
      // Reuse the value path: a UTC TIMESTAMP value with these seconds and micros.
      ColumnPlan tmp;
      tmp.conversion = Conversion::kZonedTimestamp;
      tmp.fsp = plan.fsp;
      tmp.field_name = plan.field_name;
      event::Value tv;
      tv.kind = event::ValueKind::kTimestamp;
      int64_t us = MicrosOf(p);
      tv.s.timestamp.seconds = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
      tv.s.timestamp.micros = static_cast<uint32_t>(us - tv.s.timestamp.seconds * 1000000);
      std::string scratch;
      if (!AppendColumnJson(tmp, tv, false, &out, &scratch).ok()) return std::nullopt;
      return out;
    }
    case Conversion::kGeometry:
    case Conversion::kPoint:
    case Conversion::kVector:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace tributary::format::debezium
