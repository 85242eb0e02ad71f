# frozen_string_literal: true

require "google/protobuf/descriptor_pb"

module Hearsay
  # Rebuilds the FileDescriptorSet of a generated protobuf class from its
  # runtime descriptors, so {Client#register_type} can send a class's schema.
  #
  # Why: google-protobuf 3.x keeps no serialized descriptors reachable from
  # Ruby (FileDescriptor has only name and syntax; stubs from protoc 3.21 are
  # built with the DSL). What the runtime does expose — fields with number,
  # label, type, type name and json_name, oneofs (proto3 `optional` as its
  # synthetic oneof), enums, nesting, which file each type came from — is
  # everything the gateway's schema engine reads. Comments and options other
  # than json_name / map_entry are not visible and not needed. Map fields are
  # recognised by the container a fresh message holds for them.
  # @api private
  class ProtoDescriptors
    D = Google::Protobuf
    LABELS = { optional: :LABEL_OPTIONAL, repeated: :LABEL_REPEATED, required: :LABEL_REQUIRED }.freeze
    # Runtime field types are the proto type names; group is not supported by the gateway.
    TYPES = %i[double float int64 uint64 int32 fixed64 fixed32 bool string bytes message enum
               sfixed32 sfixed64 sint32 sint64 uint32].to_h { |t| [t, :"TYPE_#{t.upcase}"] }.freeze
    # Types reachable from one class are bounded by the schema engine's limits;
    # this only stops a runaway walk.
    MAX_TYPES = 10_000

    # @param klass [Class] a generated message class
    # @param pool [Google::Protobuf::DescriptorPool] where its descriptors live
    # @return [String] serialized google.protobuf.FileDescriptorSet, dependencies first
    def self.descriptor_set(klass, pool: D::DescriptorPool.generated_pool)
      new(pool).tap { |b| b.add_message(klass.descriptor) }.to_set
    end

    def initialize(pool)
      @pool = pool
      @files = {} # name => { proto:, deps: [names] }
      @done = {}  # full type name => its DescriptorProto / EnumDescriptorProto
    end

    # @return [String]
    def to_set
      ordered = []
      seen = {}
      visit = lambda do |name|
        next if seen[name]

        seen[name] = true
        @files[name].dependency.each { |d| visit.call(d) if @files.key?(d) }
        ordered << @files[name]
      end
      @files.each_key { |name| visit.call(name) }
      D::FileDescriptorSet.encode(D::FileDescriptorSet.new(file: ordered))
    end

    # @api private
    def add_message(desc)
      return @done[desc.name] if @done.key?(desc.name)
      raise ArgumentError, "type: more than #{MAX_TYPES} message types reachable" if @done.size >= MAX_TYPES

      file = file_of(desc)
      msg = D::DescriptorProto.new(name: simple_name(desc.name))
      @done[desc.name] = msg
      parent = container(desc.name)
      (parent ? parent.nested_type : file.message_type) << msg
      fill_message(msg, desc, file)
      msg
    end

    private

    def fill_message(msg, desc, file)
      sample = desc.msgclass.new
      oneofs, synthetic = oneof_layout(desc)
      desc.each do |f|
        field = sample[f.name].is_a?(D::Map) ? map_field(f, desc, msg, file) : field_proto(f, file)
        if (i = oneofs[f.name])
          field.oneof_index = i
          field.proto3_optional = true if synthetic.include?(f.name)
        end
        msg.field << field
      end
      oneof_names(desc, synthetic).each { |n| msg.oneof_decl << D::OneofDescriptorProto.new(name: n) }
    end

    # Real oneofs first, then the synthetic ones of proto3 `optional` (as protoc orders them).
    # @return [Array(Hash{String=>Integer}, Array<String>)] field -> oneof index; fields that are proto3 optional
    def oneof_layout(desc)
      synthetic = []
      desc.each_oneof do |o|
        fields = o.map(&:name)
        synthetic << fields.first if fields.size == 1 && o.name == "_#{fields.first}"
      end
      index = {}
      oneof_names(desc, synthetic).each_with_index do |n, i|
        desc.lookup_oneof(n).each { |f| index[f.name] = i }
      end
      [index, synthetic]
    end

    def oneof_names(desc, synthetic)
      real = []
      syn = []
      desc.each_oneof { |o| (synthetic.include?(o.name.delete_prefix("_")) && o.count == 1 ? syn : real) << o.name }
      real + syn
    end

    def field_proto(f, file)
      type = TYPES.fetch(f.type) { raise ArgumentError, "type: field #{f.name} has unsupported type #{f.type}" }
      field = D::FieldDescriptorProto.new(name: f.name, number: f.number, label: LABELS.fetch(f.label),
                                          type: type, json_name: f.json_name)
      field.type_name = ".#{reference(f.subtype, file)}" if %i[message enum].include?(f.type)
      field
    end

    # The DSL names map entries "<Msg>_MapEntry_<field>"; protoc names them
    # "<Field>Entry", nested in the message, with option map_entry.
    def map_field(f, desc, msg, file)
      name = "#{f.name.split('_').map { |w| w[0] ? w[0].upcase + w[1..] : w }.join}Entry"
      entry = D::DescriptorProto.new(name: name, options: D::MessageOptions.new(map_entry: true))
      %w[key value].each { |n| entry.field << field_proto(f.subtype.lookup(n), file) }
      msg.nested_type << entry
      D::FieldDescriptorProto.new(name: f.name, number: f.number, label: :LABEL_REPEATED, type: :TYPE_MESSAGE,
                                  type_name: ".#{desc.name}.#{name}", json_name: f.json_name)
    end

    # Adds the referenced message / enum and notes the file dependency.
    # @return [String] its full name
    def reference(desc, file)
      desc.is_a?(D::EnumDescriptor) ? add_enum(desc) : add_message(desc)
      dep = desc.file_descriptor.name
      file.dependency << dep unless dep == file.name || file.dependency.include?(dep)
      desc.name
    end

    def add_enum(desc)
      return @done[desc.name] if @done.key?(desc.name)

      file = file_of(desc)
      enum = D::EnumDescriptorProto.new(name: simple_name(desc.name))
      desc.each { |name, number| enum.value << D::EnumValueDescriptorProto.new(name: name.to_s, number: number) }
      @done[desc.name] = enum
      parent = container(desc.name)
      (parent ? parent.enum_type : file.enum_type) << enum
      enum
    end

    # The FileDescriptorProto a type goes into (one per runtime file).
    def file_of(desc)
      fd = desc.file_descriptor
      @files[fd.name] ||= D::FileDescriptorProto.new(name: fd.name, package: package_of(desc.name)).tap do |f|
        f.syntax = "proto3" if fd.syntax == :proto3
      end
    end

    # The message a nested type lives in (added first), or nil at file level.
    def container(full_name)
      parent = full_name.rpartition(".").first
      d = parent.empty? ? nil : @pool.lookup(parent)
      d.is_a?(D::Descriptor) ? add_message(d) : nil
    end

    # Longest dotted prefix that is not a message: messages nest, packages do not.
    def package_of(full_name)
      parts = full_name.split(".")
      (parts.size - 1).downto(1) do |i|
        prefix = parts[0, i].join(".")
        return prefix unless @pool.lookup(prefix).is_a?(D::Descriptor)
      end
      ""
    end

    def simple_name(full_name)
      full_name.rpartition(".").last
    end
  end
end
