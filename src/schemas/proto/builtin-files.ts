/**
 * The google/protobuf files a .proto source may import without sending them: the well-known types
 * (definitions as in protobuf 3.21, comments and options stripped) and the parts of descriptor.proto
 * that custom options extend and that descriptor sets are read with (see descriptor-schema.ts).
 */
import { DESCRIPTOR_PROTO } from "./descriptor-schema.js";

const header = 'syntax = "proto3";\npackage google.protobuf;\n';

const wrapper = (name: string, scalar: string): string => `message ${name} { ${scalar} value = 1; }\n`;

export const BUILTIN_FILES: ReadonlyMap<string, string> = new Map([
  ["google/protobuf/any.proto", `${header}message Any { string type_url = 1; bytes value = 2; }\n`],
  ["google/protobuf/duration.proto", `${header}message Duration { int64 seconds = 1; int32 nanos = 2; }\n`],
  ["google/protobuf/timestamp.proto", `${header}message Timestamp { int64 seconds = 1; int32 nanos = 2; }\n`],
  ["google/protobuf/empty.proto", `${header}message Empty {}\n`],
  ["google/protobuf/field_mask.proto", `${header}message FieldMask { repeated string paths = 1; }\n`],
  [
    "google/protobuf/struct.proto",
    `${header}message Struct { map<string, Value> fields = 1; }
message Value {
  oneof kind {
    NullValue null_value = 1;
    double number_value = 2;
    string string_value = 3;
    bool bool_value = 4;
    Struct struct_value = 5;
    ListValue list_value = 6;
  }
}
enum NullValue { NULL_VALUE = 0; }
message ListValue { repeated Value values = 1; }
`,
  ],
  [
    "google/protobuf/wrappers.proto",
    header +
      wrapper("DoubleValue", "double") +
      wrapper("FloatValue", "float") +
      wrapper("Int64Value", "int64") +
      wrapper("UInt64Value", "uint64") +
      wrapper("Int32Value", "int32") +
      wrapper("UInt32Value", "uint32") +
      wrapper("BoolValue", "bool") +
      wrapper("StringValue", "string") +
      wrapper("BytesValue", "bytes"),
  ],
  ["google/protobuf/descriptor.proto", DESCRIPTOR_PROTO],
]);
