# frozen_string_literal: true

module Hearsay
  # Keeps the service instances a client registered alive: re-registers each
  # one with a TTL every ttl/3 while the client is open (so two refreshes may
  # be lost before the gateway marks it critical), and deregisters them when
  # the client closes. One background thread per client, started on the first
  # TTL registration.
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
    end

    # Remembers a registration (keyed by name and the id the gateway assigned).
    def keep(service, request, ttl_ms, deregister_on_close)
      @mutex.synchronize do
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

    # Forgets a registration (after deregister_service).
    def forget(name, id)
      @mutex.synchronize { @entries.delete([name, id]) }
    end

    # Stops refreshing and deregisters what was registered to go with the client.
    def close
      entries = @mutex.synchronize do
        @closed = true
        @cv.broadcast
        @entries.values.tap { @entries.clear }
      end
      @thread&.join(5)
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

    # Waits for the next registration due; nil once closed.
    def next_due
      @mutex.synchronize do
        until @closed
          due = @entries.values.select(&:due).min_by(&:due)
          left = due ? due.due - Clock.monotonic : nil
          return due if left && left <= 0

          @cv.wait(@mutex, left)
        end
        nil
      end
    end

    def refresh(entry)
      @register.call(entry.request)
      @mutex.synchronize { entry.due = Clock.monotonic + entry.period_s }
    rescue Error => e
      @last_error = e
      @mutex.synchronize { entry.due = Clock.monotonic + [RETRY_S, entry.period_s].min }
    end
  end
end
