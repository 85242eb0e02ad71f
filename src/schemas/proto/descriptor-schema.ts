/**
 * The subset of google/protobuf/descriptor.proto Hearsay reads descriptor sets with. Fields left
 * out (source info, most options, extensions, services) are unknown fields to the decoder: checked
 * for well-formedness and skipped. The *Options messages exist so custom options can extend them.
 */
export const DESCRIPTOR_PROTO = `syntax = "proto2";
package google.protobuf;
message FileDescriptorSet { repeated FileDescriptorProto file = 1; }
message FileDescriptorProto {
  optional string name = 1;
  optional string package = 2;
  repeated string dependency = 3;
  repeated DescriptorProto message_type = 4;
  repeated EnumDescriptorProto enum_type = 5;
  optional FileOptions options = 8;
  optional string syntax = 12;
}
message DescriptorProto {
  optional string name = 1;
  repeated FieldDescriptorProto field = 2;
  repeated DescriptorProto nested_type = 3;
  repeated EnumDescriptorProto enum_type = 4;
  optional MessageOptions options = 7;
  repeated OneofDescriptorProto oneof_decl = 8;
}
message FieldDescriptorProto {
  enum Type {
    TYPE_DOUBLE = 1; TYPE_FLOAT = 2; TYPE_INT64 = 3; TYPE_UINT64 = 4; TYPE_INT32 = 5;
    TYPE_FIXED64 = 6; TYPE_FIXED32 = 7; TYPE_BOOL = 8; TYPE_STRING = 9; TYPE_GROUP = 10;
    TYPE_MESSAGE = 11; TYPE_BYTES = 12; TYPE_UINT32 = 13; TYPE_ENUM = 14; TYPE_SFIXED32 = 15;
    TYPE_SFIXED64 = 16; TYPE_SINT32 = 17; TYPE_SINT64 = 18;
  }
  enum Label { LABEL_OPTIONAL = 1; LABEL_REQUIRED = 2; LABEL_REPEATED = 3; }
  optional string name = 1;
  optional string extendee = 2;
  optional int32 number = 3;
  optional Label label = 4;
  optional Type type = 5;
  optional string type_name = 6;
  optional string default_value = 7;
  optional FieldOptions options = 8;
  optional int32 oneof_index = 9;
  optional string json_name = 10;
  optional bool proto3_optional = 17;
}
message OneofDescriptorProto { optional string name = 1; optional OneofOptions options = 2; }
message EnumDescriptorProto {
  optional string name = 1;
  repeated EnumValueDescriptorProto value = 2;
  optional EnumOptions options = 3;
}
message EnumValueDescriptorProto {
  optional string name = 1;
  optional int32 number = 2;
  optional EnumValueOptions options = 3;
}
message FileOptions { extensions 1000 to max; }
message MessageOptions { optional bool map_entry = 7; extensions 1000 to max; }
message FieldOptions { optional bool packed = 2; extensions 1000 to max; }
message OneofOptions { extensions 1000 to max; }
message EnumOptions { optional bool allow_alias = 2; extensions 1000 to max; }
message EnumValueOptions { extensions 1000 to max; }
message ServiceOptions { extensions 1000 to max; }
message MethodOptions { extensions 1000 to max; }
message ExtensionRangeOptions { extensions 1000 to max; }
`;
