namespace py testing_thrift.shared

// Included by quote.thrift.
struct Money {
  1: i64 units,
  2: string currency,
}
