include "shared.thrift"

namespace py testing_thrift.quote

enum Side {
  BUY = 1,
  SELL = 2,
}

// The Python SDK tests' Thrift digest type.
struct Quote {
  1: string run,
  2: i64 seq,
  3: string symbol,
  4: shared.Money price,
  5: list<string> venues,
  6: map<string, i32> sizes,
  7: Side side,
  8: binary raw,
}
