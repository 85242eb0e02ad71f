# frozen_string_literal: true

module Hearsay
  # Keeps the service instances a client registered alive: re-registers each
  # one with a TTL every ttl/3 while the client is open (so two refreshes may
  # be lost before the gateway marks it critical), and deregisters them when
  # the client closes. One background thread per client, started on the first
  # TTL registration; refreshes go one at a time.
  #
  # A refresh in flight when its instance is dropped could land at the gateway
  # after the DeregisterService that follows and register it again; so #forget
  # and #close return only once no refresh of what they dropped is in flight
  # (at most one call timeout), and no refresh starts for what is not kept.
  # @api private
  class ServiceKeeper
    # A failed refresh is retried after this, seconds (or sooner, at ttl/3).
    RETRY_S = 1.0
    # Registrations one client keeps alive.
    MAX_KEPT = 1_024

    Entry = Struct.new(:request, :period_s, :due, :deregister, keyword_init: true)

    # @return [Hearsay::Error, nil] the last refresh failure, for diagnostics
    attr_reader :last_error

    # @param register [Proc] (request Hash) -> Hearsay::Service
    # @param deregister [Proc] (name, id) -> Boolean
    def initialize(register:, deregister:)
      @register = register
      @deregister = deregister
      @entries = {}
      @mutex = Mutex.new
      @cv = ConditionVariable.new
      @closed = false
      @thread = nil
      @refreshing = nil # the entry whose refresh is in flight
    end

    # Remembers a registration (keyed by name and the id the gateway assigned).
    def keep(service, request, ttl_ms, deregister_on_close)
      @mutex.synchronize do
        return if @closed

        key = [service.name, service.id]
        raise ResourceExhausted, "register_service: at most #{MAX_KEPT} registrations per client" if
          !@entries.key?(key) && @entries.size >= MAX_KEPT

        period = ttl_ms.positive? ? ttl_ms / 3000.0 : nil
        @entries[key] = Entry.new(request: request.merge(id: service.id), period_s: period,
                                  due: period && (Clock.monotonic + period), deregister: deregister_on_close)
        @thread ||= start if period
        @cv.broadcast
      end
    end

    # Forgets a registration; returns once no refresh of it is in flight, so a
    # DeregisterService sent next is the last word.
    def forget(name, id)
      @mutex.synchronize do
        @entries.delete([name, id])
        @cv.wait(@mutex) while @refreshing && @refreshing.request.values_at(:name, :id) == [name, id]
      end
    end

    # Stops refreshing and, once the refresh in flight (if any) is answered,
    # deregisters what was registered to go with the client.
    def close
      entries = @mutex.synchronize do
        @closed = true
        @cv.broadcast
        @cv.wait(@mutex) while @refreshing
        @entries.values.tap { @entries.clear }
      end
      @thread&.join
      entries.select(&:deregister).each do |e|
        @deregister.call(e.request[:name], e.request[:id])
      rescue Error
        nil # the gateway is gone; its TTL or node failure removes the instance
      end
    end

    private

    def start
      t = Thread.new { run }
      t.name = "hearsay-service-keeper"
      t.report_on_exception = false
      t
    end

    def run
      loop do
        entry = next_due or break
        refresh(entry)
      end
    end

    # Waits for the next registration due and marks it in flight; nil once closed.
    def next_due
      @mutex.synchronize do
        until @closed
          due = @entries.values.select(&:due).min_by(&:due)
          left = due ? due.due - Clock.monotonic : nil
          return @refreshing = due if left && left <= 0

          @cv.wait(@mutex, left)
        end
        nil
      end
    end

    def refresh(entry)
      failed = false
      @register.call(entry.request)
    rescue Error => e
      failed = true
      @last_error = e
    ensure
      @mutex.synchronize do
        # Re-arming an entry no longer kept refreshes nothing: forgotten stays forgotten.
        entry.due = Clock.monotonic + (failed ? [RETRY_S, entry.period_s].min : entry.period_s)
        @refreshing = nil
        @cv.broadcast
      end
    end
  end
end
