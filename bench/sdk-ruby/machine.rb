# frozen_string_literal: true

require "etc"

# What the figures were measured on, printed beside them.
module Machine
  module_function

  def describe
    cpu = File.read("/proc/cpuinfo")[/^model name\s*:\s*(.+)$/, 1] rescue "unknown CPU"
    mem_kib = File.read("/proc/meminfo")[/^MemTotal:\s*(\d+)/, 1].to_i rescue 0
    os = File.read("/etc/os-release")[/^PRETTY_NAME="?([^"\n]+)/, 1] rescue RUBY_PLATFORM
    "#{cpu}, #{Etc.nprocessors} cores, #{format('%.1f', mem_kib / 1024.0 / 1024)} GiB, #{os}, " \
      "Linux #{Etc.uname[:release]}"
  end

  def versions
    specs = %w[grpc google-protobuf thrift].map { |g| "#{g} #{Gem.loaded_specs[g]&.version || '?'}" }
    commit = IO.popen(["git", "-C", File.expand_path("../..", __dir__), "describe", "--always", "--dirty"],
                      err: File::NULL, &:read).strip
    "ruby #{RUBY_VERSION}, #{specs.join(', ')}, hearsay gem #{Hearsay::VERSION} (#{commit.empty? ? '?' : commit}), " \
      "node #{`node --version`.strip}"
  end

  # 1-minute load average: how busy the machine was.
  def load1
    File.read("/proc/loadavg").split.first.to_f
  rescue StandardError
    0.0
  end
end
