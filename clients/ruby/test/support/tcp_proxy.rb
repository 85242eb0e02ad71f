# frozen_string_literal: true

require "socket"
require "openssl"

# A TCP forwarder in front of a real gateway port, so a test can cut the
# SDK's connections (a forced disconnect) and refuse new ones for a while,
# as a network failure would. With `tls:` it also terminates TLS, putting
# TLS in front of the gateway's plaintext Thrift port.
class TcpProxy
  attr_reader :address

  # @param target [String] "host:port" to forward to
  # @param tls [OpenSSL::SSL::SSLContext, nil] serve TLS with this context
  def initialize(target, tls: nil)
    @host, port = target.split(":")
    @port = Integer(port)
    @server = TCPServer.new("127.0.0.1", 0)
    @tls = tls
    @address = "127.0.0.1:#{@server.addr[1]}"
    @mutex = Mutex.new
    @sockets = []
    @blocked = false
    @threads = []
    @acceptor = Thread.new { accept_loop }
    @acceptor.report_on_exception = false
  end

  # Closes every forwarded connection; with block: true, new ones are
  # accepted and closed at once until #allow.
  def cut(block: false)
    @mutex.synchronize do
      @blocked = block
      @sockets.each { |s| s.close rescue nil }
      @sockets.clear
    end
  end

  def allow
    @mutex.synchronize { @blocked = false }
  end

  def close
    @server.close rescue nil
    cut
    @acceptor.join(2)
    @threads.each { |t| t.join(2) }
  end

  private

  def accept_loop
    loop do
      client = @server.accept
      if @mutex.synchronize { @blocked }
        client.close
        next
      end
      @threads << Thread.new(client) { |c| serve(c) }
      @threads.select!(&:alive?)
    end
  rescue IOError, SystemCallError
    nil # closed
  end

  def serve(client)
    if @tls
      ssl = OpenSSL::SSL::SSLSocket.new(client, @tls)
      ssl.sync_close = true
      ssl.accept
      client = ssl
    end
    upstream = TCPSocket.new(@host, @port)
    @mutex.synchronize { @sockets.push(client, upstream) }
    a = Thread.new { pipe(client, upstream) }
    pipe(upstream, client)
    a.join(2)
  rescue IOError, SystemCallError, OpenSSL::SSL::SSLError
    nil
  ensure
    [client, upstream].each { |s| s&.close rescue nil }
  end

  def pipe(from, to)
    loop { to.write(from.readpartial(64 * 1024)) }
  rescue IOError, SystemCallError, OpenSSL::SSL::SSLError, EOFError
    [from, to].each { |s| s.close rescue nil }
  end
end
