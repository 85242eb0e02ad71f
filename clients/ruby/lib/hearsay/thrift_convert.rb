# frozen_string_literal: true

module Hearsay
  # Converts between the generated Hearsay::ThriftApi structs and the SDK's
  # values (the same values {GrpcConvert} produces). Thrift carries uint64 as
  # i64, never negative; unset fields read as nil.
  # @api private
  module ThriftConvert
    A = ThriftApi

    module_function

    def schema(spec)
      files = ->(list) { list.map { |path, content| A::SourceFile.new(path: path, content: content) } }
      case spec.format
      when :proto_source then A::Schema.protoSource(files.call(spec.files))
      when :thrift_idl then A::Schema.thriftIdl(files.call(spec.files))
      else A::Schema.protoDescriptorSet(spec.descriptor_set)
      end
    end

    def digest_type(t, created = nil)
      DigestType.new(
        name: t.name.to_s, version: t.version.to_i, format: SCHEMA_FORMATS.fetch(t.format.to_i, :unspecified),
        skip_payload_validation: t.skipPayloadValidation ? true : false, description: t.description.to_s,
        registered_by: t.registeredBy.to_s, registered_at_ms: t.registeredAtMs.to_i, fingerprint: t.fingerprint.to_s,
        created: created
      )
    end

    def new_digest(d)
      body = d.json ? A::DigestBody.json(d.json) : A::DigestBody.payload(d.payload)
      A::NewDigest.new(type: d.type, body: body, headers: d.headers)
    end

    def publish_result(r)
      PublishResult.new(id: r.id.to_s, origin: r.origin.to_s, sequence: r.sequence.to_i,
                        publish_time_ms: r.publishTimeMs.to_i, epoch: r.epoch.to_i,
                        stream_sequence: r.streamSequence.to_i)
    end

    def subscribe_request(p)
      req = A::SubscribeRequest.new(overlay: p.overlay, types: p.types, start: p.start == :earliest ? 1 : 0,
                                    includeJson: p.include_json)
      req.resumeFrom = cursor_struct(p.resume_from) if p.resume_from
      req
    end

    def cursor_struct(cursor)
      A::Cursor.new(positions: cursor.map do |p|
        A::CursorPosition.new(origin: p.origin, type: p.type, sequence: p.sequence, epoch: p.epoch.to_i)
      end)
    end

    def cursor(st)
      return Cursor::EMPTY unless st

      Cursor.new((st.positions || []).map do |p|
        CursorPosition.new(origin: p.origin.to_s, type: p.type.to_s, sequence: p.sequence.to_i,
                           epoch: p.epoch.to_i).freeze
      end)
    end

    # @return [Array] a stream item (see {Wire})
    def subscription_item(item)
      case item.get_set_field
      when :batch then [:digests, item.batch.map { |d| in_digest(d) }]
      when :gap then [:gap, gap(item.gap)]
      when :caughtUp
        [:caught_up, Wire::InCaughtUp.new(item.caughtUp.serverTimeMs.to_i, item.caughtUp.backlogDigests.to_i)]
      else [:keepalive]
      end
    end

    def in_digest(d)
      Wire::InDigest.new(d.type.to_s, d.payload.to_s.b, d.origin.to_s, d.sequence.to_i, d.publishTimeMs.to_i,
                         d.headers || {}, d.id.to_s, d.json, d.epoch.to_i, d.streamSequence.to_i)
    end

    def gap(g)
      ranges = (g.ranges || []).map do |r|
        GapRange.new(origin: r.origin.to_s, type: r.type.to_s, from_sequence: r.fromSequence.to_i,
                     to_sequence: r.toSequence.to_i, epoch: r.epoch.to_i)
      end
      Wire::InGap.new(GAP_REASONS.fetch(g.reason.to_i, :unspecified), ranges, g.message.to_s, cursor(g.resumeFrom))
    end

    def member(m)
      Member.new(name: m.name.to_s, address: m.address.to_s, status: MEMBER_STATUSES.fetch(m.status.to_i, :unspecified),
                 incarnation: m.incarnation.to_i, tags: m.tags || {}, status_since_ms: m.statusSinceMs.to_i,
                 protocol_version: m.protocolVersion.to_i, subscribed_types: m.subscribedTypes || [])
    end

    def member_event(e)
      MemberEvent.new(kind: MEMBER_EVENT_KINDS.fetch(e.kind.to_i, :unspecified), member: e.member && member(e.member),
                      time_ms: e.timeMs.to_i)
    end

    def service(s)
      Service.new(name: s.name.to_s, id: s.id.to_s, node: s.node.to_s, address: s.address.to_s, port: s.port.to_i,
                  tags: s.tags || {}, health: SERVICE_HEALTH.fetch(s.health.to_i, :unspecified), ttl_ms: s.ttlMs.to_i,
                  registered_at_ms: s.registeredAtMs.to_i)
    end

    def service_event(e)
      ServiceEvent.new(kind: SERVICE_EVENT_KINDS.fetch(e.kind.to_i, :unspecified),
                       instance: e.instance && service(e.instance),
                       instances: (e.instances || []).map { |s| service(s) }, time_ms: e.timeMs.to_i)
    end

    def member_status_number(status)
      MEMBER_STATUSES.key(status) or
        raise ArgumentError, "statuses: expected #{MEMBER_STATUSES.values.inspect}, got #{status.inspect}"
    end
  end
end
