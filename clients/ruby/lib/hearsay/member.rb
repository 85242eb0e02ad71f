# frozen_string_literal: true

module Hearsay
  # Member states by their number in types.proto / hearsay.thrift.
  MEMBER_STATUSES = { 1 => :alive, 2 => :suspect, 3 => :dead, 4 => :left }.freeze
  # Member event kinds by their number.
  MEMBER_EVENT_KINDS = {
    1 => :current, 2 => :join, 3 => :update, 4 => :suspect, 5 => :alive, 6 => :fail, 7 => :leave, 8 => :reap,
    9 => :snapshot_end
  }.freeze

  # A node of the overlay as the local gateway sees it.
  #
  # @!attribute [r] name
  #   @return [String] unique node name
  # @!attribute [r] address
  #   @return [String] overlay (gossip) address, "host:port"
  # @!attribute [r] status
  #   @return [Symbol] :alive, :suspect, :dead, :left (:unspecified if unknown)
  # @!attribute [r] incarnation
  #   @return [Integer] SWIM incarnation; grows on refutation or restart
  # @!attribute [r] tags
  #   @return [Hash{String=>String}]
  # @!attribute [r] status_since_ms
  #   @return [Integer] when `status` last changed, Unix ms (local view)
  # @!attribute [r] protocol_version
  #   @return [Integer] overlay protocol version the node speaks
  # @!attribute [r] subscribed_types
  #   @return [Array<String>] digest types the node's subscribers want
  Member = Struct.new(:name, :address, :status, :incarnation, :tags, :status_since_ms,
                      :protocol_version, :subscribed_types, keyword_init: true) do
    # @return [Boolean]
    def alive?
      status == :alive
    end
  end

  # What happened to a member.
  #
  # @!attribute [r] kind
  #   @return [Symbol] :current (sent first when asked, and after a reconnect),
  #     :snapshot_end (once after them, also when there were none; first
  #     without include_current), :join, :update, :suspect, :alive, :fail,
  #     :leave, :reap
  # @!attribute [r] member
  #   @return [Hearsay::Member, nil] its state after the event; nil for :snapshot_end
  # @!attribute [r] time_ms
  #   @return [Integer] when the gateway observed it, Unix ms
  MemberEvent = Struct.new(:kind, :member, :time_ms, keyword_init: true)
end
