#!/usr/bin/env ruby
# frozen_string_literal: true

# The pipeline demo's processor (Ruby; demo/pipeline/README.md): while at
# least one "broker" is passing, consumes hearsay.pipeline.v1.Record and
# publishes hearsay.pipeline.v1.Processed{seq, body upper-cased, processor=NAME}.
#
#     ruby demo/pipeline/ruby/processor.rb --agent HOST:PORT --name NAME
#
# --agent  the gateway's gRPC address (default 127.0.0.1:7400)
# --name   this processor's name, in its Processed digests and log lines (default p1)
#
# Lines on stdout, one per event, each prefixed "processor NAME: " (those
# marked * are the ones the orchestrator relies on):
#
#     status on 127.0.0.1:PORT                  its JSON status listener
#     registered types Record, Processed, Committed from pipeline.proto
#   * broker set -> [host:port, ...]            passing brokers, sorted; on every change
#     waiting for broker                        at start, while there is none yet
#     broker available; starting                the first time one appears
#   * no broker; pausing                        the set became empty: consuming stops,
#                                               the "processor" service is deregistered
#   * broker available; resuming                non-empty again: re-registered, consuming
#                                               continues from the saved cursor
#     subscribed to Record from the earliest retained / from cursor CURSOR   (before registering)
#     registered service processor (ID) on 127.0.0.1:PORT / deregistered service processor (ID)
#   * processed SEQ                             the first one and every seq divisible by 50
#     GAP ...                                   the gateway reported lost Records (never silent)
#     gateway unreachable (...); retrying / gateway reachable again
#     stopping / stopped                        SIGTERM or SIGINT: deregisters, exits 0 (within 2 s)
#     fatal: ...                                unexpected error: exits 1 (bad flags: exit 2)
#
# Nothing is skipped or repeated across a pause: the saved cursor (the SDK's
# cursor of a delivery) only advances once that Record's Processed has been
# acknowledged by the gateway; a pause closes the subscription, and resuming
# subscribes again from the saved cursor (the first subscription starts at the
# earliest retained Record). A publish that failed without an answer (timeout)
# is sent again, which may repeat that one record downstream (the consumer
# dedups by seq). Reconnects to the gateway are the SDK's (it resumes from the
# positions it received). The broker set is learnt by listing passing "broker"
# instances every 300 ms (the brief allows it; unlike a watch it also notices a
# set that became empty while the gateway was unreachable).
#
# Order on (re)start: subscribe, wait until the gateway has started the
# subscription, and only then register "processor". A gateway's "earliest" is
# its own retention log, which for a stream it meets for the first time starts
# where its interest in the type began (minus a 1 s grace); registering first
# would let the ingest publish Records this gateway never takes in.
#
# The message classes are generated at start from pipeline.proto with Debian's
# grpc_tools_ruby_protoc into a temporary directory (removed right after
# loading): nothing is generated into the tree.

require "json"
require "optparse"
require "socket"
require "tmpdir"
$LOAD_PATH.unshift(File.expand_path("../../../clients/ruby/lib", __dir__))
require "hearsay"

module PipelineProcessor
  ROLE = "processor"
  DEPENDENCY = "broker"
  PROTO = File.expand_path("../pipeline.proto", __dir__)
  PACKAGE = "hearsay.pipeline.v1"
  TYPES = %w[Record Processed Committed].freeze

  POLL_S = 0.3                # broker set listing period
  CALL_TIMEOUT_S = 5          # every gateway call
  CONNECT_TIMEOUT_S = 5       # each connection attempt
  SERVICE_TTL_S = 3.0         # our registration's TTL; the SDK refreshes it every ttl/3
  STARTUP_TIMEOUT_S = 30.0    # the gateway must answer the first registration within this
  MAX_OUTAGE_S = 60.0         # gateway unreachable this long in a row: give up
  PROTOC_TIMEOUT_S = 30.0
  RECEIVE_WAIT_S = 0.2        # how often the worker looks at the pause / stop flags
  JOIN_TIMEOUT_S = 1.0
  SHUTDOWN_TIMEOUT_S = 2.0    # SIGTERM to exit
  MAX_REREGISTER = 5          # "type not found" in a row after registering the types again: give up
  PROGRESS_EVERY = 50
  MAX_BATCH = 200             # Records handled (and Processed published) in one go when catching up

  # An unexpected condition: reported on one line, exit 1.
  class Fatal < StandardError; end

  module_function

  def retryable?(err)
    err.is_a?(Hearsay::Error) && (err.retryable? || err.is_a?(Hearsay::ResourceExhausted))
  end

  def monotonic
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  def hostport(svc)
    svc.address.include?(":") ? "[#{svc.address}]:#{svc.port}" : "#{svc.address}:#{svc.port}"
  end

  def usage!(message)
    warn "processor.rb: #{message}"
    warn "usage: ruby demo/pipeline/ruby/processor.rb --agent HOST:PORT --name NAME"
    exit 2
  end

  def parse_args(argv)
    opts = { agent: "127.0.0.1:7400", name: "p1" }
    OptionParser.new do |o|
      o.banner = "usage: ruby demo/pipeline/ruby/processor.rb --agent HOST:PORT --name NAME"
      o.on("--agent HOST:PORT", "the gateway's gRPC address") { |v| opts[:agent] = v }
      o.on("--name NAME", "this processor's name") { |v| opts[:name] = v }
    end.parse!(argv)
    usage!("unexpected arguments: #{argv.join(' ')}") unless argv.empty?
    usage!("--name: a non-empty name without spaces") if opts[:name].empty? || opts[:name].match?(/\s/)
    usage!("--agent: HOST:PORT") unless opts[:agent].match?(/\A.+:\d{1,5}\z/)
    opts
  rescue OptionParser::ParseError => e
    usage!(e.message)
  end

  # Record and Processed classes, compiled from pipeline.proto at run time.
  def load_classes
    Dir.mktmpdir("hearsay-processor-") do |dir|
      run_bounded(["grpc_tools_ruby_protoc", "-I#{File.dirname(PROTO)}", "--ruby_out=#{dir}", PROTO],
                  PROTOC_TIMEOUT_S)
      generated = File.join(dir, "#{File.basename(PROTO, '.proto')}_pb.rb")
      raise Fatal, "grpc_tools_ruby_protoc wrote no #{File.basename(generated)}" unless File.file?(generated)

      require generated
    end
    %w[Record Processed].map do |t|
      desc = Google::Protobuf::DescriptorPool.generated_pool.lookup("#{PACKAGE}.#{t}") or
        raise Fatal, "#{PROTO} does not define #{PACKAGE}.#{t}"
      desc.msgclass
    end
  end

  # Runs a command, failing if it fails or takes longer than timeout_s.
  def run_bounded(cmd, timeout_s)
    r, w = IO.pipe
    pid = begin
      Process.spawn(*cmd, out: w, err: w)
    rescue SystemCallError => e
      raise Fatal, "cannot run #{cmd.first}: #{e.message} (Debian package ruby-grpc-tools)"
    ensure
      w.close
    end
    reader = Thread.new { r.read }
    reader.report_on_exception = false
    deadline = monotonic + timeout_s
    status = nil
    loop do
      _, status = Process.waitpid2(pid, Process::WNOHANG)
      break if status
      if monotonic > deadline
        Process.kill("KILL", pid)
        Process.waitpid(pid)
        raise Fatal, "#{cmd.first} did not finish within #{timeout_s} s"
      end
      sleep 0.05
    end
    output = reader.join(JOIN_TIMEOUT_S) ? reader.value.to_s : ""
    raise Fatal, "#{cmd.join(' ')} failed: #{output.strip}" unless status.success?
  ensure
    r&.close
  end

  # 127.0.0.1:0; answers each connection with one JSON line of the state, then closes it.
  class StatusServer
    attr_reader :port

    def initialize(&state)
      @state = state
      @server = TCPServer.new("127.0.0.1", 0)
      @port = @server.addr[1]
      @thread = Thread.new { run }
      @thread.name = "processor-status"
      @thread.report_on_exception = false
    end

    def close
      @server.close
      @thread.join(JOIN_TIMEOUT_S)
    rescue IOError
      nil
    end

    private

    def run
      loop do
        conn = @server.accept
        begin
          conn.write("#{JSON.generate(@state.call)}\n")
        rescue StandardError
          nil # the peer went away
        ensure
          conn.close
        end
      end
    rescue IOError, SystemCallError
      nil # closed
    end
  end

  class Processor
    include PipelineProcessor # monotonic, retryable?, hostport

    def initialize(opts)
      @agent = opts[:agent]
      @name = opts[:name]
      @lock = Mutex.new
      @out = Mutex.new
      @stop = false          # set by SIGTERM / SIGINT or a fatal error in the worker
      @fatal = nil           # the worker's fatal error, for #main
      @brokers = nil         # nil until the first successful listing
      @consuming = false     # a broker is present: the worker subscribes and processes
      @subscribed = false    # the worker's subscription has started at the gateway
      @announced = false     # registered as "processor" since the broker appeared ("available" printed)
      @ever_announced = false
      @service_id = nil
      @unreachable_since = nil
      @cursor = nil          # cursor after the last Record whose Processed was acknowledged
      @processed = 0
      @last_seq = nil
      @not_found = 0
      @client = nil
      @status = nil
    end

    def request_stop
      @stop = true # only a flag: runs in trap context
    end

    # -- output -----------------------------------------------------------------

    def say(text)
      @out.synchronize do
        $stdout.write("#{ROLE} #{@name}: #{text}\n")
        $stdout.flush
      end
    end

    def state
      @lock.synchronize do
        {
          role: ROLE, name: @name,
          state: if @stop then "stopping"
                 elsif @consuming then (@announced ? "processing" : "subscribing")
                 else (@ever_announced ? "paused" : "waiting")
                 end,
          processed: @processed, last_seq: @last_seq,
          brokers: @brokers || [], registered: !@service_id.nil?, service_id: @service_id,
          subscribed: @subscribed,
          cursor: @cursor && JSON.parse(@cursor.to_json),
          agent: @agent, gateway_reachable: @unreachable_since.nil?
        }
      end
    end

    # -- gateway reachability -----------------------------------------------------

    def unreachable(what, err)
      first, over = @lock.synchronize do
        now = monotonic
        if @unreachable_since.nil?
          @unreachable_since = now
          [true, false]
        else
          [false, now - @unreachable_since > MAX_OUTAGE_S]
        end
      end
      say("gateway unreachable (#{what}: #{err.code_name} #{err.message}); retrying") if first
      return unless over

      raise Fatal, "gateway #{@agent} unreachable for over #{MAX_OUTAGE_S.round} s (#{what}: #{err.message})"
    end

    def reachable
      was = @lock.synchronize { @unreachable_since.tap { @unreachable_since = nil } }
      say("gateway reachable again") if was
    end

    # Sleeps up to `seconds`, waking early on stop. @return [Boolean] false once stopping
    def nap(seconds, until_paused: false)
      deadline = monotonic + seconds
      until @stop || (until_paused && !consuming?)
        left = deadline - monotonic
        return true if left <= 0

        sleep([left, 0.05].min)
      end
      false
    end

    def consuming?
      @lock.synchronize { @consuming }
    end

    def subscribed?
      @lock.synchronize { @subscribed }
    end

    # -- startup ----------------------------------------------------------------

    def start
      @record_class, @processed_class = load_classes
      @status = StatusServer.new { state }
      say("status on 127.0.0.1:#{@status.port}")
      deadline = monotonic + STARTUP_TIMEOUT_S
      begin
        @client ||= Hearsay.connect(address: @agent, connect_timeout_s: CONNECT_TIMEOUT_S,
                                    call_timeout_s: CALL_TIMEOUT_S)
        register_types
      rescue Hearsay::Error => e
        raise unless retryable?(e)
        if monotonic > deadline
          raise Fatal, "gateway #{@agent} did not answer within #{STARTUP_TIMEOUT_S.round} s: #{e.message}"
        end

        retry if nap(0.5)
        return false
      end
      say("registered types #{TYPES.join(', ')} from #{File.basename(PROTO)}")
      true
    end

    def register_types
      TYPES.each { |t| @client.register_type_from_file(PROTO, "#{PACKAGE}.#{t}") }
    end

    # The gateway forgot our types (restarted without its data): register them again, a bounded number of times.
    def type_not_found(what, err)
      @not_found += 1
      raise Fatal, "#{what}: #{err.message} (even after registering the types again)" if @not_found > MAX_REREGISTER

      say("#{what} refused (#{err.message}); registering the types again")
      register_types
    rescue Hearsay::Error => e
      raise unless retryable?(e)

      unreachable("registering the types", e)
    end

    # -- the dependency (runner thread)-----------------------------------------------

    def poll
      found = begin
        @client.services(DEPENDENCY, passing_only: true)
      rescue Hearsay::Error => e
        raise unless retryable?(e)

        unreachable("listing #{DEPENDENCY}", e)
        return
      end
      reachable
      current = found.select(&:passing?).map { |s| hostport(s) }.uniq.sort
      if current != @brokers
        first = @brokers.nil?
        @lock.synchronize { @brokers = current }
        say("#{DEPENDENCY} set -> [#{current.join(', ')}]")
        say("waiting for #{DEPENDENCY}") if first && current.empty?
      end
      if current.empty?
        pause if consuming?
      else
        @lock.synchronize { @consuming = true } # the worker subscribes (from the saved cursor)
        resume if !@announced && subscribed?
      end
    end

    # Registers "processor" once the worker's subscription has started: the gateway is then
    # interested in Record, so nothing the ingest publishes after seeing us can miss this node.
    def resume
      register
      return if @service_id.nil? # could not register (gateway unreachable): again at the next poll

      again = @ever_announced
      @announced = @ever_announced = true
      say("#{DEPENDENCY} available; #{again ? 'resuming' : 'starting'}")
    end

    def pause
      @lock.synchronize { @consuming = false } # the worker closes its subscription within RECEIVE_WAIT_S
      @announced = false
      say("no #{DEPENDENCY}; pausing")
      # The SDK's keeper waits for a TTL refresh in flight before it deregisters, so
      # one deregistration is the last word.
      deregister
    end

    # -- own service ---------------------------------------------------------------

    def register
      svc = @client.register_service(ROLE, port: @status.port, address: "127.0.0.1", tags: { "role" => ROLE },
                                           ttl_s: SERVICE_TTL_S)
      reachable
      @lock.synchronize { @service_id = svc.id }
      say("registered service #{ROLE} (#{svc.id}) on 127.0.0.1:#{@status.port}")
    rescue Hearsay::Error => e
      raise unless retryable?(e)

      unreachable("registering #{ROLE}", e)
    end

    def deregister
      sid = @service_id
      return if sid.nil?

      @lock.synchronize { @service_id = nil }
      begin
        @client.deregister_service(ROLE, sid) # the keeper forgets it first: if the call fails its TTL lapses
      rescue Hearsay::Error => e
        raise unless retryable?(e)

        unreachable("deregistering #{ROLE}", e)
        return
      end
      reachable
      say("deregistered service #{ROLE} (#{sid})")
    end

    # -- consuming (worker thread) --------------------------------------------------------

    def work
      until @stop
        if consuming?
          consume
        else
          nap(RECEIVE_WAIT_S)
        end
      end
    rescue Exception => e # rubocop:disable Lint/RescueException -- handed to the main thread
      @fatal = e
      @stop = true
    end

    # One subscription, from the saved cursor, until paused or stopping.
    def consume
      cursor = @lock.synchronize { @cursor }
      from = cursor.nil? || cursor.empty? ? nil : cursor
      sub = @client.subscribe(@record_class, start: :earliest, resume_from: from, keepalive_s: 5)
      return unless started(sub)

      @lock.synchronize { @subscribed = true }
      say(from ? "subscribed to Record from cursor #{from.to_json}" : "subscribed to Record from the earliest retained")
      while consuming? && !@stop
        d = receive(sub, RECEIVE_WAIT_S) or break
        next if d == :none

        batch = [d]
        while batch.size < MAX_BATCH && (more = receive(sub, 0)).is_a?(Struct)
          batch << more
        end
        handle(batch)
      end
    ensure
      sub&.close
      @lock.synchronize { @subscribed = false }
    end

    # Waits until the gateway has started `sub` (the SDK keeps reconnecting meanwhile).
    # @return [Boolean] false when paused, stopping or to subscribe again
    def started(sub)
      until @stop || !consuming?
        begin
          sub.wait_started(timeout_s: RECEIVE_WAIT_S)
          return true
        rescue Hearsay::DeadlineExceeded
          next
        rescue Hearsay::NotFound => e
          type_not_found("subscribing to Record", e)
          nap(0.5)
          return false
        end
      end
      false
    end

    # @return [DigestDelivery, GapDelivery, :none (nothing yet), nil (subscription over: subscribe again)]
    def receive(sub, timeout_s)
      d = sub.receive(timeout_s: timeout_s)
      return d if d

      sub.closed? ? nil : :none
    rescue Hearsay::NotFound => e
      type_not_found("subscribing to Record", e)
      nap(0.5)
      nil
    end

    # Deliveries taken from the subscription in one go (one when keeping up, up to MAX_BATCH when
    # catching up): their Processed are published as one batch, then the cursor moves past them all.
    def handle(batch)
      out = []
      batch.each do |d|
        if d.gap?
          ranges = d.ranges.map { |r| "#{r.origin}/#{r.type} #{r.from_sequence}..#{r.to_sequence}" }.join(", ")
          say("GAP #{d.reason}: lost #{ranges} (#{d.message})")
        elsif d.message.nil?
          say("skipping undecodable digest #{d.id}: #{d.decode_error&.message}")
        else
          out << @processed_class.new(seq: d.message.seq, body: d.message.body.upcase, processor: @name)
        end
      end
      commit(batch.last.cursor, out.map(&:seq)) if out.empty? || publish(out)
    end

    # Publishes until acknowledged; false when paused or stopping first (the Records are then consumed
    # again on resume, from the saved cursor).
    def publish(messages)
      what = messages.size == 1 ? "Processed #{messages[0].seq}" : "Processed #{messages[0].seq}..#{messages[-1].seq}"
      failures = 0
      loop do
        return false if @stop || !consuming?

        begin
          # One call when keeping up; a batch (in order; on a failure the ones before it stay
          # published and are sent again, harmless duplicates) when catching up.
          messages.size == 1 ? @client.publish(messages[0]) : @client.publish_batch(messages)
          reachable
          @not_found = 0
          return true
        rescue Hearsay::NotFound => e
          type_not_found("publishing #{what}", e)
        rescue Hearsay::Error => e
          raise unless retryable?(e)

          unreachable("publishing #{what}", e)
        end
        failures += 1
        nap([2.0, 0.1 * (2**[failures, 5].min)].min, until_paused: true)
      end
    end

    def commit(cursor, seqs)
      first = @lock.synchronize do
        was = @processed
        @cursor = cursor
        unless seqs.empty?
          @last_seq = seqs.last
          @processed += seqs.size
        end
        was.zero?
      end
      seqs.each_with_index do |seq, i|
        say("processed #{seq}") if (first && i.zero?) || (seq % PROGRESS_EVERY).zero?
      end
    end

    # -- main ---------------------------------------------------------------------------

    attr_reader :fatal

    def stop_requested?
      @stop
    end

    # Startup, then the broker poll every POLL_S until stopped; runs on its own thread so that
    # SIGTERM is handled at once even while a gateway call is waiting for its deadline.
    def run
      return unless start

      @worker = Thread.new { work }
      @worker.name = "processor-worker"
      @worker.report_on_exception = false
      next_poll = monotonic
      until @stop
        poll
        next_poll = [next_poll + POLL_S, monotonic].max
        nap(next_poll - monotonic)
      end
    end

    # SIGTERM / SIGINT: stop consuming, deregister, close. Bounded by SHUTDOWN_TIMEOUT_S (the
    # orchestrator sends SIGKILL 3 s after SIGTERM): if the gateway does not answer in time the
    # registration's TTL removes it.
    def shutdown
      say("stopping")
      deadline = monotonic + SHUTDOWN_TIMEOUT_S
      @lock.synchronize { @consuming = false }
      @worker&.join(JOIN_TIMEOUT_S)
      done = bounded(deadline - monotonic) do
        deregister if @service_id
        close
      end
      say(done ? "stopped" : "stopped (the gateway did not answer in time; the registration's TTL removes it)")
    end

    # Runs the block on a thread for at most `seconds`. @return [Boolean] whether it finished
    def bounded(seconds, &block)
      t = Thread.new do
        block.call
      rescue StandardError
        nil # the gateway is gone or refuses: the registration's TTL removes it
      end
      t.report_on_exception = false
      !t.join([seconds, 0.1].max).nil?
    end

    # The client also deregisters whatever its keeper still holds.
    def close
      @status&.close
      @client&.close
    end
  end

  def describe(err)
    case err
    when Fatal then err.message
    when Hearsay::Error then "the gateway refused a call: #{err.code_name} #{err.message}"
    else "#{err.class}: #{err.message}"
    end
  end

  # @return [Integer] exit status: 0 after SIGTERM / SIGINT, 1 on a fatal error
  def main(argv)
    $stdout.sync = true
    opts = parse_args(argv.dup)
    processor = Processor.new(opts)
    %w[TERM INT].each { |sig| trap(sig) { processor.request_stop } }
    runner = Thread.new do
      processor.run
      nil
    rescue Exception => e # rubocop:disable Lint/RescueException -- every failure ends here: one line, exit 1
      e
    end
    runner.report_on_exception = false
    sleep(0.05) while runner.alive? && !processor.stop_requested?
    err = processor.fatal || (runner.alive? ? nil : runner.value)
    unless err
      processor.shutdown
      return 0
    end

    why = describe(err)
    processor.say("fatal: #{why}")
    warn "#{ROLE} #{opts[:name]}: fatal: #{why}"
    warn err.full_message unless err.is_a?(Fatal) || err.is_a?(Hearsay::Error)
    processor.request_stop
    processor.bounded(SHUTDOWN_TIMEOUT_S) { processor.close }
    1
  end
end

# Process.exit! rather than exit: threads still inside a gRPC call to a gateway that stopped
# answering would otherwise hold the process up to their deadline; everything is closed by now.
if $PROGRAM_NAME == __FILE__
  status = PipelineProcessor.main(ARGV)
  $stdout.flush
  $stderr.flush
  Process.exit!(status)
end
