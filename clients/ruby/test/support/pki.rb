# frozen_string_literal: true

require "tmpdir"
require "fileutils"

# A throwaway PKI made with the openssl command line (like the gateway's own
# tests): a CA, a server certificate for 127.0.0.1 / localhost, a client
# certificate it signed, and a client certificate from an unrelated CA.
class TestPki
  attr_reader :dir

  def initialize
    @dir = Dir.mktmpdir("hearsay-ruby-pki")
    Minitest.after_run { FileUtils.rm_rf(@dir) }
    ca("ca")
    ca("rogue-ca")
    leaf("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    leaf("client", "ca", "extendedKeyUsage=clientAuth\n")
    leaf("rogue", "rogue-ca", "extendedKeyUsage=clientAuth\n")
  end

  def path(name)
    File.join(@dir, name)
  end

  private

  def ssl(*args)
    out = IO.popen(["openssl", *args], chdir: @dir, err: %i[child out], &:read)
    raise "openssl #{args.first} failed:\n#{out}" unless $?.success?
  end

  def ca(name)
    ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=#{name}", "-keyout", "#{name}.key", "-out", "#{name}.crt")
  end

  def leaf(name, signer, ext)
    ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=#{name}",
        "-keyout", "#{name}.key", "-out", "#{name}.csr")
    File.write(path("#{name}.ext"), ext)
    ssl("x509", "-req", "-in", "#{name}.csr", "-CA", "#{signer}.crt", "-CAkey", "#{signer}.key", "-CAcreateserial",
        "-days", "2", "-extfile", "#{name}.ext", "-out", "#{name}.crt")
  end
end
