# frozen_string_literal: true

require "test_helper"

# One error class per shared code, derived from the schemas' own enums.
class ErrorsTest < Minitest::Test
  # ERROR_CODE_NOT_FOUND -> "NotFound"
  def class_name(enum_name)
    enum_name.to_s.delete_prefix("ERROR_CODE_").split("_").map(&:capitalize).join
  end

  def proto_codes
    enum = Google::Protobuf::DescriptorPool.generated_pool.lookup("hearsay.v1.ErrorCode")
    codes = []
    enum.each { |name, number| codes << [name, number] unless number.zero? } # no Enumerable in 3.21
    codes
  end

  def test_every_proto_error_code_has_its_class
    proto_codes.each do |name, number|
      klass = Hearsay.const_get(class_name(name))
      assert_operator klass, :<, Hearsay::Error
      assert_equal number, klass::CODE, name
      assert_same klass, Hearsay::ERROR_CLASSES.fetch(number)
    end
    assert_equal proto_codes.map(&:last).sort, Hearsay::ERROR_CLASSES.keys.sort
  end

  def test_thrift_error_codes_equal_proto_codes
    thrift = Hearsay::ThriftApi::ErrorCode::VALUE_MAP.reject { |_, n| n == "UNSPECIFIED" }
    proto = proto_codes.to_h { |name, number| [number, name.to_s.delete_prefix("ERROR_CODE_")] }
    assert_equal proto, thrift
  end

  def test_for_code_keeps_code_and_gateway_message
    err = Hearsay::Error.for_code(5, 'digest type "x.Y" is not registered')
    assert_instance_of Hearsay::NotFound, err
    assert_equal 5, err.code
    assert_equal 'digest type "x.Y" is not registered', err.message
  end

  def test_codes_outside_the_shared_list_stay_base_errors
    err = Hearsay::Error.for_code(2, "unknown")
    assert_instance_of Hearsay::Error, err
    assert_equal 2, err.code
  end

  def test_raised_with_class_alone_gets_its_code
    assert_equal 12, Hearsay::Unimplemented.new("x").code
  end
end
