import type { ThriftModel, ThriftType } from "./model.js";

/**
 * Renders the root struct and every struct and enum it reaches. Thrift has no packages and a
 * type's file scope is just its file name, so referenced types are named by their order of
 * discovery from the root (fields in id order) plus their declared name: renaming or moving a file,
 * reordering definitions, comments, typedefs and namespaces do not change the rendering.
 */
export function canonicalThrift(model: ThriftModel): string {
  const index = new Map<string, number>([[model.root, 0]]);
  const order = [model.root];
  const ref = (kind: string, name: string): string => {
    let i = index.get(name);
    if (i === undefined) {
      i = order.length;
      index.set(name, i);
      order.push(name);
    }
    return `${kind}#${i}`;
  };
  const typeText = (t: ThriftType): string => {
    switch (t.kind) {
      case "base":
        return t.base;
      case "list":
      case "set":
        return `${t.kind}<${typeText(t.elem)}>`;
      case "map":
        return `map<${typeText(t.key)},${typeText(t.value)}>`;
      default:
        return ref(t.kind, t.name);
    }
  };
  const lines = ["hearsay-schema 1", "format thrift"];
  for (let i = 0; i < order.length; i++) {
    const name = order[i]!;
    const st = model.structs.get(name);
    if (st !== undefined) {
      lines.push(`${st.kind} #${i} ${st.localName}`);
      for (const f of st.fields)
        lines.push(`  field ${f.id} ${f.name} ${f.requiredness} ${typeText(f.type)}`);
      continue;
    }
    const e = model.enums.get(name)!;
    lines.push(`enum #${i} ${e.localName}`);
    const values = [...e.values].sort((a, b) => a.number - b.number || (a.name < b.name ? -1 : 1));
    for (const v of values) lines.push(`  value ${v.number} ${v.name}`);
  }
  return `${lines.join("\n")}\n`;
}
