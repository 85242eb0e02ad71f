# frozen_string_literal: true

# Loaded by every test: minitest, the SDK from lib/ (run with -Ilib -Itest),
# and where the repository's schemas are.
require "minitest/autorun"
require "hearsay"

module TestPaths
  # Repository root (clients/ruby/test -> ../../..).
  REPO_ROOT = File.expand_path("../../..", __dir__)
end
