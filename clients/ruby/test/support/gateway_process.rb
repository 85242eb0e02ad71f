# frozen_string_literal: true

require "json"
require "timeout"

# A real gateway process (`node bin/hearsay.js agent`) on loopback with
# ephemeral gRPC and Thrift ports, started once for the test run and stopped
# with SIGTERM when minitest finishes.
class GatewayProcess
  BIN = File.join(TestPaths::REPO_ROOT, "bin", "hearsay.js")
  MAIN_JS = File.join(TestPaths::REPO_ROOT, "dist", "src", "cli", "main.js")
  # Cold start of Node + the gateway on a busy 2-core machine stays well under this.
  READY_TIMEOUT_S = 30
  STOP_TIMEOUT_S = 10

  attr_reader :node_name, :grpc, :thrift

  # The gateway shared by the whole run, started on first use.
  # A failed start is remembered, so each live test fails at once instead of
  # waiting for its own start-up timeout.
  def self.shared
    raise @failure if @failure

    @shared ||= new("ruby-test-#{Process.pid}").tap do |g|
      Minitest.after_run { g.stop }
      g.start
    end
  rescue StandardError => e
    @failure ||= e
    raise
  end

  def initialize(node_name)
    @node_name = node_name
    @lines = []
  end

  def start
    unless File.exist?(MAIN_JS)
      raise "gateway not built: #{MAIN_JS} is missing; run `npm run build` (make build-ts) in #{TestPaths::REPO_ROOT}"
    end

    @io = IO.popen(["node", BIN, "agent", "--name", @node_name,
                    "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"],
                   err: %i[child out])
    ready = read_until_ready
    @grpc = ready.fetch("grpc")
    @thrift = ready.fetch("thrift")
    # Keep draining its output so a chatty gateway never blocks on a full pipe.
    @drain = Thread.new do
      @io.each_line { |l| @lines << l }
    rescue IOError
      nil # closed by #stop
    end
  end

  def stop
    return unless @io

    pid = @io.pid
    begin
      Process.kill("TERM", pid)
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

  private

  def read_until_ready
    deadline = Time.now + READY_TIMEOUT_S
    loop do
      left = deadline - Time.now
      raise "gateway not ready within #{READY_TIMEOUT_S} s; output:\n#{@lines.join}" if left <= 0
      next unless IO.select([@io], nil, nil, left)

      line = @io.gets
      raise "gateway exited before ready; output:\n#{@lines.join}" if line.nil?

      @lines << line
      msg = JSON.parse(line) rescue nil
      return msg if msg.is_a?(Hash) && msg["msg"] == "ready"
    end
  end
end
