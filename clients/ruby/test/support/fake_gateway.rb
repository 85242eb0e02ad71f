# frozen_string_literal: true

require "socket"

# An in-process stand-in gateway serving Info over gRPC and Thrift from the
# generated server-side code, so the SDK's mapping is checked for every error
# code identically on both transports (the real gateway only fails with the
# codes its current operations produce). Also proves the thrift 0.17-generated
# Processor runs on the ruby-thrift runtime.
#
# Info behaves by overlay name:
#   "code-N"  -> fails with code N and message "fake failure N"
#   "whoami"  -> node_name = the token it received ("" when none)
#   "v2"      -> api_version 2
#   else      -> node "fake", api_version 1
class FakeGateway
  attr_reader :grpc, :thrift

  # Shared answer logic: [node_name, api_version] or raises [code, message].
  def self.answer(overlay, token)
    if (m = /\Acode-(\d+)\z/.match(overlay))
      raise ArgumentError, m[1] # carried to each server's own error below
    end

    case overlay
    when "whoami" then [token.to_s, 1]
    when "v2" then ["fake", 2]
    else ["fake", 1]
    end
  end

  # gRPC service on the generated base class.
  class GrpcService < Hearsay::V1::Gateway::Service
    def info(req, call)
      bearer = call.metadata["authorization"].to_s.delete_prefix("Bearer ")
      node, api = FakeGateway.answer(req.overlay, bearer)
      Hearsay::V1::InfoResponse.new(node_name: node, overlay: req.overlay, version: "0.0.0-fake",
                                    api_version: api, limits: Hearsay::V1::Limits.new(max_headers: 32),
                                    features: ["info"])
    rescue ArgumentError => e
      raise GRPC::BadStatus.new_status_exception(Integer(e.message), "fake failure #{e.message}")
    end
  end

  # Thrift handler for the generated Processor.
  class ThriftHandler
    def info(token, overlay)
      node, api = FakeGateway.answer(overlay, token)
      Hearsay::ThriftApi::InfoResponse.new(nodeName: node, overlay: overlay, version: "0.0.0-fake",
                                           apiVersion: api, limits: Hearsay::ThriftApi::Limits.new(maxHeaders: 32),
                                           features: ["info"])
    rescue ArgumentError => e
      raise Hearsay::ThriftApi::HearsayError.new(code: Integer(e.message), message: "fake failure #{e.message}")
    end
  end

  def start
    @grpc_server = GRPC::RpcServer.new(pool_size: 4)
    port = @grpc_server.add_http2_port("127.0.0.1:0", :this_port_is_insecure)
    @grpc_server.handle(GrpcService)
    @grpc_thread = Thread.new { @grpc_server.run }
    @grpc_server.wait_till_running(10) or raise "fake gRPC server did not start"
    @grpc = "127.0.0.1:#{port}"

    server_socket = Thrift::ServerSocket.new("127.0.0.1", 0)
    server_socket.listen
    @thrift = "127.0.0.1:#{server_socket.handle.addr[1]}"
    processor = Hearsay::ThriftApi::Gateway::Processor.new(ThriftHandler.new)
    @thrift_server = Thrift::ThreadedServer.new(processor, server_socket, Thrift::FramedTransportFactory.new,
                                                Thrift::BinaryProtocolFactory.new)
    # ThreadedServer#serve calls listen again, which would bind a new
    # ephemeral port; keep the socket bound above, whose port we know.
    def server_socket.listen
      @handle ||= super
    end
    @thrift_thread = Thread.new { @thrift_server.serve }
    self
  end

  def stop
    @grpc_server&.stop
    @grpc_thread&.join(5)
    @thrift_thread&.kill
    @thrift_thread&.join(5)
    @thrift_server&.instance_variable_get(:@server_transport)&.close
  end
end
