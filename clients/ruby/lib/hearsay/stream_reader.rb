# frozen_string_literal: true

module Hearsay
  # The consumer's side of a {ResilientStream}, for {Subscription} and
  # {Watch}: Enumerable over the stream's outputs until it ends, #close and
  # #closed?. The includer keeps its stream in @stream and defines #receive
  # (usually on top of #next_output).
  # @api private
  module StreamReader
    include Enumerable

    # Yields each item until closed (e.g. from another thread, or a `break`,
    # which closes it too).
    # @return [Enumerator, nil] an Enumerator without a block
    # @raise [Hearsay::Error] the error that ended the stream
    def each
      return enum_for(:each) unless block_given?

      completed = false
      loop do
        item = receive
        break if item.nil?

        yield item
      end
      completed = true
      nil
    ensure
      close unless completed || !block_given?
    end

    # Ends the stream; a running #each ends without error. Idempotent.
    def close
      @stream.close
    end

    # @return [Boolean]
    def closed?
      @stream.closed?
    end

    private

    # @return [Object, nil] the next output; nil on timeout or once closed
    # @raise [Hearsay::Error] the error that ended the stream
    def next_output(timeout_s)
      kind, value = @stream.pop(timeout_s)
      return value if kind == :item
      raise value if kind == :end && value

      nil
    end
  end
end
