# frozen_string_literal: true

require "test_helper"
require "tmpdir"
require "support/gateway_process"
require "support/fixtures"
require "support/pki"
require "support/tcp_proxy"

# Token auth and TLS against real gateways started with tokens (a config
# file), TLS and mutual TLS.
class SecurityTest < Minitest::Test
  WRITER = "ruby-writer-token-0123456789"
  READER = "ruby-reader-token-0123456789"
  TRANSPORTS = %i[grpc thrift].freeze

  def self.token_gateway
    @token_gateway ||= begin
      dir = Dir.mktmpdir("hearsay-ruby-tokens")
      Minitest.after_run { FileUtils.rm_rf(dir) }
      config = File.join(dir, "agent.yaml")
      File.write(config, <<~YAML)
        tokens:
          - { name: writer, token: #{WRITER}, publish: ["demo.*"], subscribe: ["demo.*"] }
          - { name: reader, token: #{READER}, publish: [], subscribe: ["demo.*"] }
      YAML
      GatewayProcess.start("ruby-tokens-#{Process.pid}", "--config", config)
    end
  end

  def self.pki
    @pki ||= TestPki.new
  end

  def self.tls_gateway(mutual:)
    @tls_gateways ||= {}
    @tls_gateways[mutual] ||= begin
      args = ["--tls-cert", pki.path("server.crt"), "--tls-key", pki.path("server.key")]
      args += ["--tls-client-ca", pki.path("ca.crt")] if mutual
      GatewayProcess.start("ruby-#{mutual ? 'mtls' : 'tls'}-#{Process.pid}", *args)
    end
  end

  def address(gw, transport)
    transport == :grpc ? gw.grpc : gw.thrift
  end

  def pki
    self.class.pki
  end

  def test_a_token_with_grants_registers_publishes_and_subscribes
    gw = self.class.token_gateway
    TRANSPORTS.each do |transport|
      Hearsay.connect(address: address(gw, transport), transport: transport, token: WRITER) do |c|
        c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
        sub = c.subscribe(Demo::Greeting)
        sub.wait_started(timeout_s: 10)
        r = c.publish(Demo::Greeting.new(text: "with token #{transport}"))
        got = take(sub, 1) { |d| d.gap? || d.id == r.id }
        sub.close
        assert_equal ["with token #{transport}"], got.map { |d| d.message.text }
      end
    end
  end

  def test_missing_or_unknown_token_is_unauthenticated
    gw = self.class.token_gateway
    TRANSPORTS.each do |transport|
      [nil, "no-such-token-0123456789"].each do |token|
        err = assert_raises(Hearsay::Unauthenticated, "#{transport} #{token.inspect}") do
          Hearsay.connect(address: address(gw, transport), transport: transport, token: token)
        end
        assert_equal 16, err.code
        assert_match(/token/, err.message)
      end
    end
  end

  def test_a_token_without_the_grant_is_permission_denied
    gw = self.class.token_gateway
    Hearsay.connect(address: gw.grpc, token: WRITER) do |c|
      c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
    end
    TRANSPORTS.each do |transport|
      Hearsay.connect(address: address(gw, transport), transport: transport, token: READER) do |c|
        err = assert_raises(Hearsay::PermissionDenied, transport) { c.publish(Demo::Greeting.new(text: "no")) }
        assert_equal 7, err.code
        assert_match(/reader.*may not publish.*demo\.Greeting/, err.message)
        sub = c.subscribe("other.Type")
        err = assert_raises(Hearsay::PermissionDenied, transport) { sub.wait_started(timeout_s: 10) }
        assert_match(/may not subscribe.*other\.Type/, err.message)
        assert_raises(Hearsay::PermissionDenied) { sub.receive(timeout_s: 5) }
        c.subscribe(Demo::Greeting).tap { |s| s.wait_started(timeout_s: 10) }.close # allowed
      end
    end
  end

  def test_tls_verified_against_a_ca
    gw = self.class.tls_gateway(mutual: false)
    Hearsay.connect(address: gw.grpc, tls: { ca_file: pki.path("ca.crt") }) do |c|
      assert_equal gw.name, c.info.node_name
      c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
      sub = c.subscribe(Demo::Greeting)
      sub.wait_started(timeout_s: 10)
      r = c.publish(Demo::Greeting.new(text: "over TLS"))
      assert_equal [r.id], take(sub, 1) { |d| d.id == r.id }.map(&:id)
      sub.close
    end
  end

  def test_tls_refuses_plaintext_and_untrusted_servers
    gw = self.class.tls_gateway(mutual: false)
    {
      "plaintext" => nil,
      "system roots" => true,
      "another CA" => { ca_file: pki.path("rogue-ca.crt") }
    }.each do |what, tls|
      assert_raises(Hearsay::Unavailable, what) { Hearsay.connect(address: gw.grpc, tls: tls, connect_timeout_s: 5) }
    end
  end

  def test_mutual_tls_needs_a_client_certificate_from_the_ca
    gw = self.class.tls_gateway(mutual: true)
    ca = pki.path("ca.crt")
    good = { ca_file: ca, cert_file: pki.path("client.crt"), key_file: pki.path("client.key") }
    Hearsay.connect(address: gw.grpc, tls: good) { |c| assert_equal gw.name, c.info.node_name }
    [{ ca_file: ca }, { ca_file: ca, cert_file: pki.path("rogue.crt"), key_file: pki.path("rogue.key") }].each do |tls|
      assert_raises(Hearsay::Unavailable, tls.keys.inspect) do
        Hearsay.connect(address: gw.grpc, tls: tls, connect_timeout_s: 5)
      end
    end
  end

  # The gateway serves Thrift in plaintext; TLS in front of it (here a TLS
  # terminating forwarder, in production e.g. stunnel) works with tls: as on gRPC.
  def test_thrift_over_tls_through_a_terminating_proxy
    gw = GatewayProcess.shared
    ctx = OpenSSL::SSL::SSLContext.new
    ctx.cert = OpenSSL::X509::Certificate.new(File.read(pki.path("server.crt")))
    ctx.key = OpenSSL::PKey.read(File.read(pki.path("server.key")))
    proxy = TcpProxy.new(gw.thrift, tls: ctx)
    Hearsay.connect(address: proxy.address, transport: :thrift, tls: { ca_file: pki.path("ca.crt") }) do |c|
      assert_equal gw.name, c.info.node_name
      c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
      sub = c.subscribe(Demo::Greeting)
      sub.wait_started(timeout_s: 10)
      r = c.publish(Demo::Greeting.new(text: "thrift over TLS"))
      assert_equal [r.id], take(sub, 1) { |d| d.id == r.id }.map(&:id)
      sub.close
    end
    assert_raises(Hearsay::Unavailable) do
      Hearsay.connect(address: proxy.address, transport: :thrift, tls: { ca_file: pki.path("rogue-ca.crt") },
                      connect_timeout_s: 5)
    end
  ensure
    proxy&.close
  end
end
