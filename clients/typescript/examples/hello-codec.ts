// The sample's digest type: its .proto text (registered with the gateway) and a
// hand-written Codec for it. Generated code works the same way: tsProtoCodec(...)
// for ts-proto, bufCodec(...) for @bufbuild/protobuf.
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import type { Codec } from "../../../src/sdk/index.js";

export const HELLO_TYPE = "samples.typescript.Hello";

export const HELLO_PROTO = `syntax = "proto3";
package samples.typescript;

// A greeting sent by the TypeScript sample client.
message Hello {
  string text = 1;
  uint32 n = 2;
}
`;

export interface Hello {
  text: string;
  n: number;
}

export const helloCodec: Codec<Hello> = {
  typeName: HELLO_TYPE,
  encode(m) {
    const w = new BinaryWriter();
    if (m.text) w.uint32(10).string(m.text);
    if (m.n) w.uint32(16).uint32(m.n);
    return w.finish();
  },
  decode(b) {
    const r = new BinaryReader(b);
    const m: Hello = { text: "", n: 0 };
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      if (field === 1) m.text = r.string();
      else if (field === 2) m.n = r.uint32();
      else r.skip(wire);
    }
    return m;
  },
};
