// EncoderOptions: every setting that shapes Debezium change-event bytes, typed.
//
// The connector builds these from its validated ConnectorConfig (the keys are Debezium's
// and Kafka Connect's, see ParseEncoderOptions); encoders copy what they need at
// construction. Plain values; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/debezium/column_filters.h"
#include "format/debezium/unwrap.h"

namespace tributary::format::debezium {

// The Debezium release whose wire format Tributary reproduces (Envelope v2, Source
// schema version 1): written into `source.version`.
inline constexpr std::string_view kDebeziumVersion = "3.6.1.Final";

enum class Flavor : uint8_t {
  kMySql,    // io.debezium.connector.mysql.MySqlConnector: connector "mysql"
  kMariaDb,  // io.debezium.connector.mariadb.MariaDbConnector: connector "mariadb"
};
std::string_view FlavorConnectorName(Flavor flavor);  // "mysql" / "mariadb"

enum class DecimalMode : uint8_t { kPrecise, kDouble, kString };
enum class TimePrecisionMode : uint8_t { kAdaptiveTimeMicroseconds, kAdaptive, kConnect };
enum class BigIntUnsignedMode : uint8_t { kLong, kPrecise };
enum class BinaryMode : uint8_t { kBytes, kBase64, kBase64UrlSafe, kHex };

// Kafka Connect's JsonConverter settings (key.converter.* / value.converter.*).
struct ConverterOptions {
  bool schemas_enable = true;
  bool decimal_numeric = false;  // decimal.format=NUMERIC: decimals as JSON numbers
  bool replace_null_with_default = true;
};

struct EncoderOptions {
  Flavor flavor = Flavor::kMySql;
  std::string topic_prefix;         // topic.prefix (1.x: database.server.name)
  std::string topic_delimiter = ".";
  std::string debezium_version = std::string(kDebeziumVersion);

  DecimalMode decimal_mode = DecimalMode::kPrecise;
  TimePrecisionMode time_precision_mode = TimePrecisionMode::kAdaptiveTimeMicroseconds;
  BigIntUnsignedMode bigint_unsigned_mode = BigIntUnsignedMode::kLong;
  BinaryMode binary_mode = BinaryMode::kBytes;
  bool enable_time_adjuster = true;
  bool include_schema_comments = false;  // column comments become the field's `doc`

  bool tombstones_on_delete = true;
  bool provide_transaction_metadata = false;
  bool include_query = false;
  std::string message_key_columns;  // `db.tbl:c1,c2;db2.tbl2:c3` (table part is a regex)

  // extended.headers.enabled (Debezium 3.x default true): every data record carries
  // __debezium.context.{connectorLogicalName,taskId,connectorName,runId}.
  bool extended_headers = true;
  std::string task_id = "0";
  std::string run_id;  // a UUID chosen by the connector at start

  ConverterOptions key_converter;
  ConverterOptions value_converter;

  ColumnFilterOptions filters;
  std::optional<UnwrapOptions> unwrap;  // set when transforms has ExtractNewRecordState
};

// Builds EncoderOptions from connector properties keyed by their canonical names
// (`topic.prefix`, `decimal.handling.mode`, `key.converter.schemas.enable`,
// `column.mask.with.5.chars`, `transforms`, `transforms.unwrap.type`, ...), values as
// validated text. `connector.class` selects the flavour. Unknown keys are ignored.
// Errors: InvalidArgument naming the key for a value outside the allowed set.
Result<EncoderOptions> ParseEncoderOptions(const std::map<std::string, std::string>& props);

}  // namespace tributary::format::debezium
