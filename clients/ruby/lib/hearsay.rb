# frozen_string_literal: true

# Ruby SDK for Hearsay, the polyglot gossip message bus: talks to the local
# gateway over gRPC (default) or Thrift. Start with {Hearsay.connect}.
module Hearsay
end

require_relative "hearsay/version"
require_relative "hearsay/errors"
require_relative "hearsay/generated"
require_relative "hearsay/address"
require_relative "hearsay/tls"
require_relative "hearsay/info"
require_relative "hearsay/grpc_transport"
require_relative "hearsay/thrift_transport"
require_relative "hearsay/client"
require_relative "hearsay/connect"
