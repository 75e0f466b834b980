#include "format/debezium/connect_schema.h"

#include <gtest/gtest.h>

namespace tributary::format::debezium {
namespace {

TEST(ConnectSchemaTest, JsonConverterKeyOrder) {
  ConnectSchema s = ConnectSchema::Named(ConnectType::kStruct, "n", 3, true);
  s.doc = "d";
  s.Param("k", "v");
  ConnectSchema f = ConnectSchema::Of(ConnectType::kInt32);
  f.default_json = "0";
  s.Field("a", f);
  ConnectSchema arr = ConnectSchema::Of(ConnectType::kArray, true);
  arr.items = std::make_shared<ConnectSchema>(ConnectSchema::Of(ConnectType::kFloat32));
  s.Field("v", arr);
  ConnectSchema map = ConnectSchema::Of(ConnectType::kMap);
  map.keys = std::make_shared<ConnectSchema>(ConnectSchema::Of(ConnectType::kString));
  map.items = std::make_shared<ConnectSchema>(ConnectSchema::Of(ConnectType::kFloat64));
  s.Field("m", map);
  EXPECT_EQ(SchemaJson(s),
            R"({"type":"struct","fields":[{"type":"int32","optional":false,"default":0,"field":"a"},{"type":"array","items":{"type":"float","optional":false},"optional":true,"field":"v"},{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"double","optional":false},"optional":false,"field":"m"}],"optional":true,"name":"n","version":3,"doc":"d","parameters":{"k":"v"}})");
  EXPECT_EQ(s.FieldIndex("m"), 2);
  EXPECT_EQ(s.FieldIndex("x"), -1);
}

}  // namespace
}  // namespace tributary::format::debezium
