# frozen_string_literal: true

# The two measurements of one case, through the SDK only: a flat-out
# throughput run and a paced latency run. Every wait is bounded.
module Runs
  BLOB_TYPE = "bench.sdk.Blob"
  # Same schema as the TypeScript SDK benchmark's.
  BLOB_PROTO = "syntax = \"proto3\";\npackage bench.sdk;\nmessage Blob { bytes data = 1; }\n"
  # Longest wait for the last deliveries after the last publish, seconds.
  DRAIN_S = 15
  # Most digests published but not yet received in a throughput run.
  MAX_AHEAD = 20_000

  module_function

  def address(gw, transport)
    transport == :grpc ? gw.grpc : gw.thrift
  end

  # Registers the type and waits until both gateways know it and each other.
  def prepare(gw1, gw2)
    Hearsay.connect(address: gw1.grpc) do |a|
      a.register_type_from_source(BLOB_TYPE, BLOB_PROTO, format: :proto)
      Hearsay.connect(address: gw2.grpc) do |b|
        deadline = now + 20
        until b.list_types(BLOB_TYPE).any? && b.members(statuses: [:alive]).size == 2
          raise "gateways did not converge within 20 s" if now > deadline

          sleep 0.1
        end
      end
    end
  end

  # A Blob payload: field 1 (bytes) holding [send stamp ms f64][run u32][i u32] then filler.
  def blob(size, run, i)
    data = [wall_ms, run, i].pack("EVV") + ("a" * (size - 16))
    len = data.bytesize
    varint = len < 128 ? [len].pack("C") : [(len & 0x7f) | 0x80, len >> 7].pack("CC")
    "\x0a".b + varint + data
  end

  # @return [Array(Float, Integer)] send stamp and run of a payload made by #blob
  def stamp_of(payload)
    offset = payload.getbyte(1) & 0x80 != 0 ? 3 : 2
    payload.unpack("EV", offset: offset)
  end

  # @return [Hash] rate (digests/s), sent, received, complete, gaps, cpu_pct
  def throughput(gw1, gw2, kase, count:, max_s:, payload:)
    run = rand(1 << 31)
    with_clients(gw1, gw2, kase[:transport]) do |pub, sub_client|
      sub = sub_client.subscribe(BLOB_TYPE, max_queued: 16_384)
      sub.wait_started(timeout_s: 10)
      cpu0 = cpu_s
      t0 = now
      sent = 0
      got = 0
      sender = Thread.new do
        publish(pub, kase[:mode]) do |emit|
          while sent < count && now - t0 < max_s
            # Sustained, not burst: stay at most MAX_AHEAD digests ahead of the subscriber.
            sleep 0.001 while sent - got >= MAX_AHEAD && now - t0 < max_s
            emit.call(blob(payload, run, sent))
            sent += 1
          end
        end
      end
      received, gaps, last = receive(sub, run, sender) do |n|
        got = n
        sender.alive? || n < sent
      end
      sender.join
      sub.close
      wall = (last || now) - t0
      { rate: received / wall, sent: sent, received: received, complete: received == sent, gaps: gaps,
        cpu_pct: 100.0 * (cpu_s - cpu0) / wall }
    end
  end

  # @return [Hash] p50/p99/max from the delivery's publish time, send_p50/send_p99 from the payload stamp, gaps
  def latency(gw1, gw2, kase, rate:, seconds:, payload:)
    run = rand(1 << 31)
    with_clients(gw1, gw2, kase[:transport]) do |pub, sub_client|
      sub = sub_client.subscribe(BLOB_TYPE, max_queued: 16_384)
      sub.wait_started(timeout_s: 10)
      total = rate * seconds
      sent = 0
      sender = Thread.new do
        publish(pub, kase[:mode]) do |emit|
          t0 = now
          while sent < total
            due = ((now - t0) * rate).floor + 1
            while sent < [due, total].min
              emit.call(blob(payload, run, sent))
              sent += 1
            end
            sleep 0.0005
          end
        end
      end
      from_publish = []
      from_send = []
      gaps = 0
      deadline = now + seconds + DRAIN_S
      while (sender.alive? || from_publish.size < sent) && now < deadline
        d = sub.receive(timeout_s: 0.2) or next
        next gaps += 1 if d.gap?

        at = wall_ms
        stamp, r = stamp_of(d.payload)
        next unless r == run

        from_publish << at - d.publish_time_ms
        from_send << at - stamp
      end
      sender.join
      sub.close
      from_publish.sort!
      from_send.sort!
      { p50: pct(from_publish, 50), p99: pct(from_publish, 99), max: from_publish.last,
        send_p50: pct(from_send, 50), send_p99: pct(from_send, 99), gaps: gaps, received: from_publish.size }
    end
  end

  def with_clients(gw1, gw2, transport)
    Hearsay.connect(address: address(gw1, transport), transport: transport) do |pub|
      Hearsay.connect(address: address(gw2, transport), transport: transport) do |sub|
        yield pub, sub
      end
    end
  end

  # Yields an emitter; the batching publisher is flushed and closed after the block.
  def publish(client, mode)
    if mode == :unary
      yield ->(p) { client.publish(p, type: BLOB_TYPE) }
    else
      client.publisher(max_batch: 1_024, linger_ms: 1, max_pending: 65_536, timeout_s: 30) do |pub|
        yield ->(p) { pub.publish(p, type: BLOB_TYPE) }
      end
    end
  end

  # Receives this run's digests while the block (given the count so far)
  # says to go on, and at most DRAIN_S after the sender finished.
  # @return [Array(Integer, Integer, Float)] received, gaps, time of the last delivery
  def receive(sub, run, sender)
    received = 0
    gaps = 0
    last = nil
    deadline = nil
    while yield(received)
      deadline ||= now + DRAIN_S unless sender.alive?
      break if deadline && now > deadline

      d = sub.receive(timeout_s: 0.2) or next
      next gaps += 1 if d.gap?
      next unless stamp_of(d.payload)[1] == run

      received += 1
      last = now
    end
    [received, gaps, last]
  end

  def pct(sorted, p)
    return nil if sorted.empty?

    sorted[[((p / 100.0) * sorted.size).ceil - 1, 0].max]
  end

  def now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  def wall_ms
    Process.clock_gettime(Process::CLOCK_REALTIME, :float_millisecond)
  end

  def cpu_s
    Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)
  end
end
