# frozen_string_literal: true

require "json"
require "timeout"

# A real gateway process (`node bin/hearsay.js agent`) on loopback with
# ephemeral gossip, gRPC and Thrift ports, started by the tests themselves and
# stopped (SIGTERM, then SIGKILL) when they finish.
class GatewayProcess
  BIN = File.join(TestPaths::REPO_ROOT, "bin", "hearsay.js")
  MAIN_JS = File.join(TestPaths::REPO_ROOT, "dist", "src", "cli", "main.js")
  # Cold start of Node + the gateway on a busy 2-core machine stays well under this.
  READY_TIMEOUT_S = 30
  STOP_TIMEOUT_S = 10

  attr_reader :name, :grpc, :thrift, :gossip, :args

  # One gateway shared by the tests that need only one, started on first use.
  # A failed start is remembered, so each test fails at once instead of
  # waiting for its own start-up timeout.
  def self.shared
    raise @failure if @failure

    @shared ||= start("ruby-test-#{Process.pid}")
  rescue StandardError => e
    @failure ||= e
    raise
  end

  # Three gateways joined into one overlay, shared by the multi-node tests.
  def self.cluster
    raise @cluster_failure if @cluster_failure

    @cluster ||= begin
      seed = start("ruby-c1-#{Process.pid}")
      rest = %w[c2 c3].map { |n| Thread.new { start("ruby-#{n}-#{Process.pid}", "--join", seed.gossip) } }.map(&:value)
      [seed, *rest].tap { |gws| gws.each(&:wait_for_members) }
    end
  rescue StandardError => e
    @cluster_failure ||= e
    raise
  end

  # Starts a gateway (stopped when minitest finishes, if not before).
  def self.start(name, *extra)
    g = new(name, extra)
    Minitest.after_run { g.stop }
    g.start
    g
  end

  def initialize(name, extra = [])
    @name = name
    @extra = extra
    @lines = []
  end

  # @param at [GatewayProcess, nil] reuse that (stopped) gateway's addresses
  def start(at: nil)
    unless File.exist?(MAIN_JS)
      raise "gateway not built: #{MAIN_JS} is missing; run `npm run build` (make build-ts) in #{TestPaths::REPO_ROOT}"
    end

    ports = at ? ["--bind", at.gossip, "--grpc", at.grpc, "--thrift", at.thrift] : []
    @args = ["node", BIN, "agent", "--name", @name, "--profile", "local",
             "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0", *@extra, *ports]
    @io = IO.popen(@args, err: %i[child out])
    ready = read_until_ready
    @gossip = ready.fetch("gossip")
    @grpc = ready.fetch("grpc")
    @thrift = ready.fetch("thrift")
    # Keep draining its output so a chatty gateway never blocks on a full pipe.
    io = @io
    @drain = Thread.new do
      io.each_line { |l| @lines << l if @lines.size < 10_000 }
    rescue IOError
      nil # closed by #stop
    end
    self
  end

  # Stops the process and starts it again with the same name, addresses and arguments.
  def restart(signal = "KILL")
    stop(signal)
    start(at: self)
  end

  # Waits until this gateway sees `count` alive members.
  def wait_for_members(count = 3, timeout_s: 20)
    Hearsay.connect(address: grpc) do |c|
      wait_until(timeout_s, "#{count} alive members at #{name}") { c.members(statuses: [:alive]).size >= count }
    end
  end

  def stop(signal = "TERM")
    return unless @io

    pid = @io.pid
    begin
      Process.kill(signal, pid)
      Timeout.timeout(STOP_TIMEOUT_S) { Process.wait(pid) }
    rescue Timeout::Error
      Process.kill("KILL", pid)
      Process.wait(pid)
    rescue Errno::ESRCH, Errno::ECHILD
      nil # already gone
    end
    @drain&.join(1)
    @io.close unless @io.closed?
    @io = nil
  end

  def running?
    !@io.nil?
  end

  def output
    @lines.join
  end

  private

  def read_until_ready
    deadline = Time.now + READY_TIMEOUT_S
    loop do
      left = deadline - Time.now
      raise "gateway #{@name} not ready within #{READY_TIMEOUT_S} s; output:\n#{@lines.join}" if left <= 0
      next unless IO.select([@io], nil, nil, left)

      line = @io.gets
      raise "gateway #{@name} exited before ready; output:\n#{@lines.join}" if line.nil?

      @lines << line
      msg = JSON.parse(line) rescue nil
      return msg if msg.is_a?(Hash) && msg["msg"] == "ready"
    end
  end
end
