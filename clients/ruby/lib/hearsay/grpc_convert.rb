# frozen_string_literal: true

module Hearsay
  # Converts between the generated hearsay.v1 protobuf messages and the SDK's
  # values. google-protobuf 3.21's `has_<field>?` answers 0 (truthy) or false,
  # so presence is only ever tested for truthiness here.
  # @api private
  module GrpcConvert
    V = V1
    SCHEMA_FORMAT = { proto_source: 1, proto_descriptor_set: 2, thrift_idl: 3 }.freeze

    module_function

    def schema(spec)
      files = ->(list) { list.map { |path, content| V::SourceFile.new(path: path, content: content) } }
      case spec.format
      when :proto_source then V::Schema.new(proto_source: V::ProtoSource.new(files: files.call(spec.files)))
      when :thrift_idl then V::Schema.new(thrift_idl: V::ThriftSource.new(files: files.call(spec.files)))
      else V::Schema.new(proto_descriptor_set: spec.descriptor_set)
      end
    end

    def digest_type(t, created = nil)
      DigestType.new(
        name: t.name, version: t.version, format: SCHEMA_FORMATS.fetch(num(V::SchemaFormat, t.format), :unspecified),
        skip_payload_validation: t.skip_payload_validation, description: t.description,
        registered_by: t.registered_by, registered_at_ms: t.registered_at_ms, fingerprint: t.fingerprint,
        created: created
      )
    end

    def new_digest(d)
      msg = V::NewDigest.new(type: d.type, headers: d.headers)
      d.json ? msg.json = d.json : msg.payload = d.payload
      msg
    end

    def publish_result(r)
      PublishResult.new(id: r.id, origin: r.origin, sequence: r.sequence, publish_time_ms: r.publish_time_ms,
                        epoch: r.epoch, stream_sequence: r.stream_sequence)
    end

    def subscribe_request(p)
      req = V::SubscribeRequest.new(
        overlay: p.overlay, types: p.types, start: p.start == :earliest ? 1 : 0,
        include_json: p.include_json, max_batch_digests: p.max_batch_digests, keepalive_interval_ms: p.keepalive_ms
      )
      req.resume_from = cursor_message(p.resume_from) if p.resume_from
      req
    end

    def cursor_message(cursor)
      V::Cursor.new(positions: cursor.map do |p|
        V::CursorPosition.new(origin: p.origin, type: p.type, sequence: p.sequence, epoch: p.epoch.to_i)
      end)
    end

    def cursor(msg)
      return Cursor::EMPTY unless msg

      Cursor.new(msg.positions.map do |p|
        CursorPosition.new(origin: p.origin, type: p.type, sequence: p.sequence, epoch: p.epoch).freeze
      end)
    end

    # @return [Array] a stream item (see {Wire})
    def subscribe_item(r)
      case r.item
      when :batch then [:digests, r.batch.digests.map { |d| in_digest(d) }]
      when :gap then [:gap, gap(r.gap)]
      when :caught_up then [:caught_up, Wire::InCaughtUp.new(r.caught_up.server_time_ms, r.caught_up.backlog_digests)]
      when :started then [:started, r.started.subscription_id]
      else [:keepalive]
      end
    end

    def in_digest(d)
      Wire::InDigest.new(d.type, d.payload, d.origin, d.sequence, d.publish_time_ms, d.headers.to_h, d.id,
                         d.has_json? ? d.json : nil, d.epoch, d.stream_sequence)
    end

    def gap(g)
      ranges = g.ranges.map do |r|
        GapRange.new(origin: r.origin, type: r.type, from_sequence: r.from_sequence, to_sequence: r.to_sequence,
                     epoch: r.epoch)
      end
      Wire::InGap.new(GAP_REASONS.fetch(num(V::GapReason, g.reason), :unspecified), ranges, g.message,
                      cursor(g.resume_from))
    end

    def member(m)
      Member.new(name: m.name, address: m.address,
                 status: MEMBER_STATUSES.fetch(num(V::MemberStatus, m.status), :unspecified),
                 incarnation: m.incarnation, tags: m.tags.to_h, status_since_ms: m.status_since_ms,
                 protocol_version: m.protocol_version, subscribed_types: m.subscribed_types.to_a)
    end

    def member_event(e)
      MemberEvent.new(kind: MEMBER_EVENT_KINDS.fetch(num(V::MemberEventKind, e.kind), :unspecified),
                      member: e.member && member(e.member), time_ms: e.time_ms)
    end

    def service(s)
      Service.new(name: s.name, id: s.id, node: s.node, address: s.address, port: s.port, tags: s.tags.to_h,
                  health: SERVICE_HEALTH.fetch(num(V::ServiceHealth, s.health), :unspecified), ttl_ms: s.ttl_ms,
                  registered_at_ms: s.registered_at_ms)
    end

    def service_event(e)
      ServiceEvent.new(kind: SERVICE_EVENT_KINDS.fetch(num(V::ServiceEventKind, e.kind), :unspecified),
                       instance: e.instance && service(e.instance), instances: e.instances.map { |s| service(s) },
                       time_ms: e.time_ms)
    end

    def member_status_number(status)
      MEMBER_STATUSES.key(status) or
        raise ArgumentError, "statuses: expected #{MEMBER_STATUSES.values.inspect}, got #{status.inspect}"
    end

    # Enum fields read back as Symbols (known values) or Integers (unknown ones).
    def num(enum, value)
      value.is_a?(Integer) ? value : enum.resolve(value) || 0
    end
  end
end
