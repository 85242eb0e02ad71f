// Thrift digest type of the SDK tests: registerType(Reading.class) rebuilds this IDL
// from the generated class, nested struct, enum and containers included.
namespace java dev.hearsay.test.thrift

enum Unit {
  CELSIUS = 1,
  KELVIN = 2,
}

struct Point {
  1: required double x,
  2: required double y,
}

struct Reading {
  1: required string sensor,
  2: optional double value,
  3: optional i64 atMs,
  4: optional list<Point> points,
  5: optional Unit unit,
  6: optional map<string, i32> counts,
  7: optional binary raw,
}
