# frozen_string_literal: true

require "json"

module Hearsay
  # Turns what applications pass to publish / subscribe into digests and
  # codecs: protobuf messages and classes, Thrift structs and classes, codecs,
  # raw payload bytes, JSON. Checks every argument, naming it.
  # @api private
  class Encoder
    # Most headers accepted before asking the gateway (which enforces its own limits).
    MAX_HEADERS = 1_024

    def initialize
      @codecs = {}       # class => codec
      @thrift_names = {} # Thrift class => digest type name it was registered under
      @mutex = Mutex.new
    end

    # Notes the digest type name a Thrift class was registered under.
    def thrift_registered(klass, name)
      @mutex.synchronize do
        @thrift_names[klass] = name
        @codecs.delete(klass)
      end
    end

    # @param message [Object] protobuf message, Thrift struct, payload String or JSON Hash
    # @param type [String, Class, #encode, nil] the type name, or what encodes the message
    # @param headers [Hash{String=>String}, nil]
    # @return [Hearsay::Wire::OutDigest]
    def digest(message, type, headers, label = "message")
      headers = headers(headers)
      raise ArgumentError, "#{label}: required (a message, payload bytes or a JSON Hash)" if message.nil?

      if type && !type.is_a?(String)
        codec = codec(type, "type")
        return Wire::OutDigest.new(codec.type_name, encode(codec, message, label), nil, headers)
      end
      case message
      when String
        Wire::OutDigest.new(type_name(type, label, "payload bytes"), message.b, nil, headers)
      when Hash
        Wire::OutDigest.new(type_name(type, label, "a JSON body"), nil, JSON.generate(message), headers)
      else
        codec = if type && Codec.thrift_class?(message.class)
                  Codec::Thrift.new(message.class, type)
                else
                  codec(message.class, label)
                end
        Wire::OutDigest.new(type || codec.type_name, encode(codec, message, label), nil, headers)
      end
    end

    # @param types [Array] type names, classes or codecs
    # @return [Hash{String=>codec, nil}] type name => codec (nil for names)
    def subscription_types(types)
      list = types.flatten
      raise ArgumentError, "types: at least one digest type (a name, a message class or a codec)" if list.empty?

      list.each_with_index.with_object({}) do |(t, i), out|
        if t.is_a?(String)
          raise ArgumentError, "types[#{i}]: empty type name" if t.empty?

          out[t] ||= nil
        else
          c = codec(t, "types[#{i}]")
          out[c.type_name] = c
        end
      end
    end

    # The codec for a class or codec object.
    def codec(x, label)
      return x if Codec.codec?(x)

      @mutex.synchronize do
        @codecs[x] ||= if Codec.proto_class?(x)
                         Codec::Proto.new(x)
                       elsif Codec.thrift_class?(x)
                         name = @thrift_names[x] or
                           raise ArgumentError, "#{label}: Thrift class #{x} is not registered by this client; " \
                                                "call register_type(#{x}) first or pass type: \"scope.Struct\""
                         Codec::Thrift.new(x, name)
                       else
                         raise ArgumentError, "#{label}: expected a protobuf or Thrift message (or class), " \
                                              "a codec or a type name, got #{x.is_a?(Class) ? x : x.class}"
                       end
      end
    end

    private

    def encode(codec, message, label)
      codec.encode(message)
    rescue ArgumentError, TypeError, NoMethodError, Google::Protobuf::Error, ::Thrift::Exception => e
      raise ArgumentError, "#{label}: cannot be encoded as #{codec.type_name}: #{e.message}"
    end

    def type_name(type, label, what)
      unless type.is_a?(String) && !type.empty?
        raise ArgumentError, "type: required with #{what} as #{label} (the registered digest type name)"
      end

      type
    end

    def headers(h)
      return {} if h.nil?
      raise ArgumentError, "headers: expected a Hash of String => String, got #{h.class}" unless h.is_a?(Hash)
      raise ArgumentError, "headers: more than #{MAX_HEADERS}" if h.size > MAX_HEADERS

      h.each_with_object({}) do |(k, v), out|
        k = k.to_s if k.is_a?(Symbol)
        unless k.is_a?(String) && v.is_a?(String)
          raise ArgumentError, "headers: keys and values must be Strings, got #{k.inspect} => #{v.inspect}"
        end

        out[k] = v
      end
    end
  end
end
