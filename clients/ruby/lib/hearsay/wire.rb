# frozen_string_literal: true

module Hearsay
  # Transport-neutral values passed between {Client}, the subscription
  # machinery and the two transports, which convert them to and from their
  # generated types at the edge.
  # @api private
  module Wire
    # A digest to publish: payload bytes or JSON text, and headers.
    OutDigest = Struct.new(:type, :payload, :json, :headers)
    # A digest as received, before it becomes a {DigestDelivery}.
    InDigest = Struct.new(:type, :payload, :origin, :sequence, :publish_time_ms, :headers, :id, :json, :epoch,
                          :stream_sequence)
    # A gap notice as received.
    InGap = Struct.new(:reason, :ranges, :message, :resume_from)
    # A caught-up marker as received.
    InCaughtUp = Struct.new(:server_time_ms, :backlog_digests)
    # What one Subscribe call asks for.
    SubscribeParams = Struct.new(:overlay, :types, :resume_from, :start, :include_json,
                                 :max_batch_digests, :keepalive_ms, keyword_init: true)
    # Stream items a transport yields: [:started, id], [:digests, [InDigest]],
    # [:gap, InGap], [:caught_up, InCaughtUp], [:keepalive], or a MemberEvent / ServiceEvent.
  end
end
