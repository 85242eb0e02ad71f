# frozen_string_literal: true

require "json"
require "timeout"

# Real `hearsay agent` processes on loopback for the benchmark: started with
# OS-chosen ports, joined into one overlay, always stopped (SIGTERM, then
# SIGKILL) by #stop_all.
class Agents
  ROOT = File.expand_path("../..", __dir__)
  READY_TIMEOUT_S = 30
  STOP_TIMEOUT_S = 10

  Agent = Struct.new(:name, :io, :gossip, :grpc, :thrift, :drain, keyword_init: true)

  def initialize
    @agents = []
  end

  attr_reader :agents

  # Starts an agent; `join` = the gossip address of one to join.
  def start(name, join: nil)
    raise "gateway not built: run `npm run build` in #{ROOT}" unless File.exist?(File.join(ROOT, "dist/src/cli/main.js"))

    # --initial-heap-size: the gateway's V8 flags (src/cli/node-flags.ts), as bin/hearsay.js passes them
    args = ["node", "--initial-heap-size=160", File.join(ROOT, "bin/hearsay.js"), "agent", "--name", name, "--profile", "local",
            "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"]
    args += ["--join", join] if join
    io = IO.popen(args, err: %i[child out])
    agent = Agent.new(name: name, io: io)
    @agents << agent
    ready = ready_line(io, name)
    agent.gossip = ready.fetch("gossip")
    agent.grpc = ready.fetch("grpc")
    agent.thrift = ready.fetch("thrift")
    agent.drain = Thread.new { io.each_line { nil } rescue IOError }
    agent
  end

  def stop_all
    @agents.each do |a|
      Process.kill("TERM", a.io.pid)
      Timeout.timeout(STOP_TIMEOUT_S) { Process.wait(a.io.pid) }
    rescue Timeout::Error
      Process.kill("KILL", a.io.pid)
      Process.wait(a.io.pid)
    rescue Errno::ESRCH, Errno::ECHILD
      nil
    ensure
      a.drain&.join(1)
      a.io.close unless a.io.closed?
    end
    @agents.clear
  end

  private

  # The agent logs JSON lines; the one with "msg":"ready" carries its addresses.
  def ready_line(io, name)
    deadline = Time.now + READY_TIMEOUT_S
    loop do
      left = deadline - Time.now
      raise "agent #{name} not ready within #{READY_TIMEOUT_S} s" if left <= 0
      next unless IO.select([io], nil, nil, left)

      line = io.gets or raise "agent #{name} exited before it was ready"
      msg = JSON.parse(line) rescue nil
      return msg if msg.is_a?(Hash) && msg["msg"] == "ready"
    end
  end
end
