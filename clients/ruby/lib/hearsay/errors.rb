# frozen_string_literal: true

module Hearsay
  # Base class of every error the SDK raises. {#code} is the shared error code
  # of errors.proto, equal to the gRPC status code number and to the Thrift
  # HearsayError code, so one failure reads the same over either transport.
  # The message is the gateway's (it names the problem, e.g. the field).
  class Error < StandardError
    # @return [Integer] shared error code (gRPC status code number)
    attr_reader :code

    # @param message [String, nil] the gateway's message
    # @param code [Integer, nil] defaults to the class's CODE (2 = unknown)
    def initialize(message = nil, code: nil)
      @code = code || (self.class.const_defined?(:CODE) ? self.class::CODE : 2)
      super(message)
    end

    # The error for a code: its class from the shared list, or a plain
    # {Hearsay::Error} keeping the code for codes outside it (e.g. gRPC UNKNOWN).
    # @param code [Integer]
    # @param message [String]
    # @return [Hearsay::Error]
    def self.for_code(code, message)
      Hearsay::ERROR_CLASSES.fetch(code, Error).new(message, code: code)
    end

    # @return [String] stable name of the code, e.g. "NOT_FOUND" ("CODE_2" outside the list)
    def code_name
      CODE_NAMES.fetch(code, "CODE_#{code}")
    end

    # Whether a broken stream is worth reopening: the gateway went away or the
    # connection broke (CANCELLED by the server, UNKNOWN, DEADLINE_EXCEEDED,
    # INTERNAL from a broken HTTP/2 stream, UNAVAILABLE). Refusals of the request
    # itself (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, ...) are not.
    # @return [Boolean]
    def retryable?
      RETRYABLE_CODES.include?(code)
    end
  end

  # The client gave up (cancelled the call).
  class Cancelled < Error; CODE = 1; end
  # A field is missing or malformed; the message names the field.
  class InvalidArgument < Error; CODE = 3; end
  # The call did not finish within its deadline.
  class DeadlineExceeded < Error; CODE = 4; end
  # Unknown digest type, service instance, subscription or overlay.
  class NotFound < Error; CODE = 5; end
  # Already registered with a different, conflicting definition.
  class AlreadyExists < Error; CODE = 6; end
  # The token may not publish / subscribe to this type.
  class PermissionDenied < Error; CODE = 7; end
  # Over a limit (size, count, rate, queue).
  class ResourceExhausted < Error; CODE = 8; end
  # The request is valid but the state refuses it, e.g. an incompatible schema.
  class FailedPrecondition < Error; CODE = 9; end
  # The operation is not offered by this gateway (yet).
  class Unimplemented < Error; CODE = 12; end
  # A bug in the gateway; the message says what failed.
  class Internal < Error; CODE = 13; end
  # The gateway cannot be reached, is shutting down or cannot reach the overlay; retry.
  class Unavailable < Error; CODE = 14; end
  # Missing or unknown token.
  class Unauthenticated < Error; CODE = 16; end

  # Shared error code -> error class (one per ErrorCode of errors.proto).
  ERROR_CLASSES = [
    Cancelled, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
    PermissionDenied, ResourceExhausted, FailedPrecondition, Unimplemented,
    Internal, Unavailable, Unauthenticated
  ].to_h { |k| [k::CODE, k] }.freeze

  # Shared error code -> its name in errors.proto without the ERROR_CODE_ prefix.
  CODE_NAMES = ERROR_CLASSES.transform_values do |k|
    k.name.split("::").last.gsub(/(?<!^)([A-Z])/, '_\\1').upcase
  end.freeze

  # Codes after which a stream is reopened (see {Error#retryable?}).
  RETRYABLE_CODES = [1, 2, 4, 13, 14].freeze
end
