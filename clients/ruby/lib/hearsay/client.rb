# frozen_string_literal: true

module Hearsay
  # A connection to one Hearsay gateway over gRPC or Thrift. Made by
  # {Hearsay.connect}; every operation answers the same over both transports
  # and fails with the same {Hearsay::Error} subclass. Bad arguments raise
  # ArgumentError naming the argument, before anything is sent. Thread-safe.
  #
  # Digest types: {#register_type}, {#register_type_from_file},
  # {#register_type_from_source}, {#get_type}, {#list_types}.
  # Publishing: {#publish}, {#publish_batch}, {#publisher}.
  # Subscribing: {Streams#subscribe}. Members and services: {Directory}.
  class Client
    include Streams
    include Directory

    # @return [String] the gateway address, "host:port"
    attr_reader :address
    # @return [Symbol] :grpc or :thrift
    attr_reader :transport
    # @return [String] overlay addressed ("" = the gateway's default)
    attr_reader :overlay

    # @api private — use {Hearsay.connect}
    def initialize(adapter, address:, transport:, overlay:, call_timeout_s: 10)
      @adapter = adapter
      @address = address
      @transport = transport
      @overlay = overlay
      @call_timeout_s = call_timeout_s
      @encoder = Encoder.new
      @open = {} # streams and publishers to end on close
      @lock = Mutex.new
      @closed = false
      @keeper = ServiceKeeper.new(
        register: ->(req) { @adapter.register_service(@overlay, **req) },
        deregister: ->(name, id) { @adapter.deregister_service(@overlay, name, id) }
      )
    end

    # Asks the gateway who it is: node name, release, API version, limits and
    # features.
    # @param overlay [String, nil] overlay to ask about; nil = the client's
    # @param timeout_s [Numeric, nil] deadline for this call, seconds; nil = the client's
    # @return [Hearsay::GatewayInfo]
    # @raise [Hearsay::Error] e.g. {Hearsay::Unavailable}, {Hearsay::NotFound} (unknown overlay)
    def info(overlay: nil, timeout_s: nil)
      check_open
      @adapter.info(overlay || @overlay, timeout_s: timeout_s)
    end

    # Registers a digest type from a generated class: a protobuf message class
    # (its schema is rebuilt from the runtime descriptors, or taken from
    # `descriptor_set:`) or a Thrift struct class (IDL written from its FIELDS).
    # Registering an identical schema again is fine (`created` is false then);
    # a compatible change makes a new version; an incompatible one raises
    # {Hearsay::FailedPrecondition} naming the field.
    #
    # @example
    #   client.register_type(Demo::Greeting)                       # "demo.Greeting"
    #   client.register_type(Reading, name: "reading.Reading")     # Thrift struct
    #
    # @param type [Class] generated protobuf message class or Thrift struct class
    # @param name [String, nil] Thrift only: the type name "<scope>.<Struct>";
    #   default: the class's modules joined by "." plus its name, or
    #   "<struct in lower case>.<Struct>" for a top-level class
    # @param descriptor_set [String, nil] protobuf only: a FileDescriptorSet
    #   (bytes, or the path of a file `protoc --include_imports
    #   --descriptor_set_out` wrote) to send instead of the rebuilt one
    # @param description [String] free text shown in listings
    # @param skip_payload_validation [Boolean] accept payloads unchecked (no JSON rendering then)
    # @return [Hearsay::DigestType] as the registry now holds it, with `created`
    def register_type(type, name: nil, descriptor_set: nil, description: "", skip_payload_validation: false)
      if Codec.proto_class?(type)
        raise ArgumentError, "name: protobuf types are named by their descriptor (#{type.descriptor.name})" if name

        set = descriptor_set ? read_descriptor_set(descriptor_set) : ProtoDescriptors.descriptor_set(type)
        spec = SchemaSpec.new(format: :proto_descriptor_set, descriptor_set: set)
        register(type.descriptor.name, spec, description, skip_payload_validation)
      elsif Codec.thrift_class?(type)
        name ||= default_thrift_name(type)
        path, idl = ThriftIdl.file_for(type, name)
        registered = register(name, SchemaSpec.new(format: :thrift_idl, files: [[path, idl]]), description,
                              skip_payload_validation)
        @encoder.thrift_registered(type, name)
        registered
      else
        raise ArgumentError, "type: expected a generated protobuf message class or Thrift struct class, " \
                             "got #{type.inspect}; use register_type_from_file for schema files"
      end
    end

    # Registers a digest type from its schema file: a `.proto` (with the files
    # it imports, found under `import_paths`) or a `.thrift` (with its
    # includes, relative to it).
    #
    # @example
    #   client.register_type_from_file("protos/demo/greeting.proto", "demo.Greeting", import_paths: ["protos"])
    #   client.register_type_from_file("reading.thrift", "reading.Reading", thrift_class: Reading)
    #
    # @param path [String] the file defining the type
    # @param name [String] fully qualified message name, or "<scope>.<Struct>" for Thrift
    # @param import_paths [Array<String>, nil] .proto roots; default: the file's directory
    # @param format [Symbol, nil] :proto or :thrift; default: from the extension
    # @param thrift_class [Class, nil] the generated class of the Thrift struct,
    #   so publish and subscribe can take it (Thrift classes do not know their type name)
    # @return [Hearsay::DigestType] with `created`
    def register_type_from_file(path, name, import_paths: nil, format: nil, thrift_class: nil, description: "",
                                skip_payload_validation: false)
      raise ArgumentError, "path: expected a String, got #{path.class}" unless path.is_a?(String)

      format ||= { ".proto" => :proto, ".thrift" => :thrift }[File.extname(path)] or
        raise ArgumentError, "format: cannot tell from #{path.inspect}; pass format: :proto or :thrift"
      spec = case format
             when :proto then SchemaFiles.proto(path, import_paths || [File.dirname(path)])
             when :thrift then SchemaFiles.thrift(path)
             else raise ArgumentError, "format: expected :proto or :thrift, got #{format.inspect}"
             end
      registered = register(name, spec, description, skip_payload_validation)
      @encoder.thrift_registered(thrift_class, name) if thrift_class
      registered
    end

    # Registers a digest type from schema text held in code.
    # @param name [String] fully qualified type name
    # @param files [String, Hash{String=>String}] one file's text, or path => text (defining file first)
    # @param format [Symbol] :proto or :thrift
    # @return [Hearsay::DigestType] with `created`
    def register_type_from_source(name, files, format:, thrift_class: nil, description: "",
                                  skip_payload_validation: false)
      registered = register(name, SchemaFiles.from_source(name, files, format), description, skip_payload_validation)
      @encoder.thrift_registered(thrift_class, name) if thrift_class
      registered
    end

    # @param name [String]
    # @return [Hearsay::DigestType]
    # @raise [Hearsay::NotFound] when not registered
    def get_type(name)
      check_open
      @adapter.get_type(@overlay, string(name, "name"))
    end

    # @param prefix [String] only names starting with it; "" = all
    # @return [Array<Hearsay::DigestType>] sorted by name
    def list_types(prefix = "")
      check_open
      @adapter.list_types(@overlay, string(prefix, "prefix", empty: true))
    end

    # Publishes one digest and returns once the gateway has logged it.
    #
    # @example
    #   client.publish(Demo::Greeting.new(text: "hi")).id          # => "node-1:42"
    #   client.publish(payload_bytes, type: "demo.Greeting")
    #   client.publish({ "text" => "hi" }, type: "demo.Greeting")  # JSON, encoded by the gateway
    #
    # @param message [Object] a protobuf message or Thrift struct; or payload
    #   bytes (String) or a JSON body (Hash) with `type:`
    # @param type [String, Class, nil] the type name (needed for bytes / JSON),
    #   or the class / codec to encode `message` with
    # @param headers [Hash{String=>String}, nil] application headers
    # @return [Hearsay::PublishResult] `#id` ("origin:sequence"), origin, sequence, publish_time_ms
    def publish(message, type: nil, headers: nil)
      check_open
      @adapter.publish(@overlay, @encoder.digest(message, type, headers))
    end

    # Publishes several digests in order, in as few calls as the gateway's
    # batch limit allows. If one is refused the error names its index
    # (`digests[i]`) and every digest before it stays published.
    # @param messages [Array] as for {#publish}, all with the same `type:` / `headers:`
    # @return [Array<Hearsay::PublishResult>] one per message, in order
    def publish_batch(messages, type: nil, headers: nil)
      check_open
      raise ArgumentError, "messages: expected an Array, got #{messages.class}" unless messages.is_a?(Array)

      digests = messages.each_with_index.map { |m, i| @encoder.digest(m, type, headers, "messages[#{i}]") }
      return [] if digests.empty?

      @adapter.publish_batch(@overlay, digests, max_batch_digests)
    end

    # A batching publisher for high rates (see {Publisher}). With a block, it
    # is closed (flushed) when the block ends, raising the first failure.
    # @param max_batch [Integer] digests per batch (the gateway allows Info.limits.max_batch_digests)
    # @param linger_ms [Numeric] how long a partial batch waits for more, ms
    # @param max_pending [Integer] digests unanswered before #publish blocks
    # @param timeout_s [Numeric, nil] per batch and for a blocked #publish; nil = the call timeout
    # @yieldparam publisher [Hearsay::Publisher]
    # @return [Hearsay::Publisher, Object] the publisher, or the block's value
    def publisher(max_batch: 1_024, linger_ms: 5, max_pending: 65_536, timeout_s: nil)
      check_open
      pub = Publisher.new(@adapter, @overlay, encode: ->(m, t, h) { @encoder.digest(m, t, h) },
                                              max_batch: max_batch, linger_ms: linger_ms, max_pending: max_pending,
                                              timeout_s: timeout_s || @call_timeout_s,
                                              on_close: ->(p) { untrack(p) })
      track(pub)
      return pub unless block_given?

      begin
        yield pub
      ensure
        # An exception aborts what is unsent; a normal end (or `break`) flushes.
        $! ? pub.abort : pub.close
      end
    end

    # Ends every open subscription, watch and publisher (unsent digests fail
    # with {Hearsay::Cancelled}; {Publisher#close} first to flush them),
    # deregisters the services registered through this client, and closes the
    # connection. Later calls raise {Hearsay::FailedPrecondition}. Idempotent.
    # @return [void]
    def close
      items = @lock.synchronize do
        return if @closed

        @closed = true
        @open.keys.tap { @open.clear }
      end
      items.each { |x| x.is_a?(Publisher) ? x.abort : x.close }
      @keeper.close
      @adapter.close
    end

    # @return [Boolean]
    def closed?
      @closed
    end

    # @return [String]
    def inspect
      "#<#{self.class} #{@transport} #{@address}#{@closed ? ' closed' : ''}>"
    end

    private

    def register(name, spec, description, skip)
      check_open
      string(name, "name")
      string(description, "description", empty: true)
      @adapter.register_type(@overlay, name, spec, skip ? true : false, description)
    end

    def read_descriptor_set(value)
      raise ArgumentError, "descriptor_set: expected bytes or a file path, got #{value.class}" unless value.is_a?(String)

      value.encoding == Encoding::BINARY || !File.file?(value) ? value.b : File.binread(value)
    end

    def default_thrift_name(klass)
      parts = klass.name.to_s.split("::")
      raise ArgumentError, "name: required for an anonymous Thrift class" if parts.empty?

      parts.size == 1 ? "#{parts[0].downcase}.#{parts[0]}" : parts.join(".")
    end

    # The gateway's batch limit, asked once.
    def max_batch_digests
      @max_batch_digests ||= info.limits&.max_batch_digests.to_i.then { |n| n.positive? ? n : 1_024 }
    end

    def string(v, label, empty: false)
      raise ArgumentError, "#{label}: expected a String, got #{v.class}" unless v.is_a?(String)
      raise ArgumentError, "#{label}: required" if v.empty? && !empty

      v
    end

    def track(x)
      added = @lock.synchronize { @open[x] = true unless @closed }
      return x if added

      x.is_a?(Publisher) ? x.abort : x.close
      raise FailedPrecondition, "client for #{@address} is closed"
    end

    def untrack(x)
      @lock.synchronize { @open.delete(x) }
    end

    def check_open
      raise FailedPrecondition, "client for #{@address} is closed" if @closed
    end
  end
end
