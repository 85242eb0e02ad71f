# frozen_string_literal: true

module Hearsay
  # Release of this gem; follows the Hearsay release it was built with.
  VERSION = "0.1.0"
  # Client API major version this SDK speaks (hearsay.v1).
  API_VERSION = 1
end
