# frozen_string_literal: true

require "openssl"

module Hearsay
  # TLS settings for the connection to a gateway. Built from the `tls:` option
  # of {Hearsay.connect}: nil/false = plaintext (a local gateway on loopback),
  # true = TLS verified against the system roots, or a Hash with the keys below.
  #
  # @!attribute [r] ca_file
  #   @return [String, nil] PEM file of the CA(s) to trust; nil = system roots
  # @!attribute [r] cert_file
  #   @return [String, nil] PEM client certificate chain, for mutual TLS
  # @!attribute [r] key_file
  #   @return [String, nil] PEM private key of cert_file
  # @!attribute [r] server_name
  #   @return [String, nil] name to verify the certificate against, when it
  #     differs from the host in the address (e.g. connecting by IP); gRPC only
  #     for now, Thrift checks the host it connects to
  TLS = Struct.new(:ca_file, :cert_file, :key_file, :server_name, keyword_init: true) do
    # @param option [nil, false, true, Hash, Hearsay::TLS]
    # @return [Hearsay::TLS, nil] nil for plaintext
    def self.from(option)
      case option
      when nil, false then nil
      when true then new
      when TLS then option
      when Hash then new(**option)
      else raise ArgumentError, "tls: expects nil, true, a Hash or Hearsay::TLS, got #{option.class}"
      end
    end

    # @return [GRPC::Core::ChannelCredentials]
    def grpc_credentials
      args = [read(ca_file), read(key_file), read(cert_file)]
      args.compact.empty? ? GRPC::Core::ChannelCredentials.new : GRPC::Core::ChannelCredentials.new(*args)
    end

    # @return [Hash] extra channel args (the name override, when set)
    def grpc_channel_args
      server_name ? { "grpc.ssl_target_name_override" => server_name } : {}
    end

    # @return [OpenSSL::SSL::SSLContext] verifying context for the Thrift socket
    def ssl_context
      ctx = OpenSSL::SSL::SSLContext.new
      params = { verify_mode: OpenSSL::SSL::VERIFY_PEER }
      params[:ca_file] = ca_file if ca_file
      ctx.set_params(params)
      ctx.cert = OpenSSL::X509::Certificate.new(read(cert_file)) if cert_file
      ctx.key = OpenSSL::PKey.read(read(key_file)) if key_file
      ctx
    end

    private

    def read(path)
      path && File.read(path)
    end
  end
end
