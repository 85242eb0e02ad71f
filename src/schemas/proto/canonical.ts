import type { ProtoField, ProtoModel, ProtoValueType } from "./model.js";

/**
 * Renders the root message and every message and enum it reaches, sorted by name, fields sorted by
 * number. What a payload's meaning depends on is in it (numbers, names, JSON names, labels,
 * presence, oneofs, types); what it does not is left out (file names, packages as such, comments,
 * option order, packed-ness, proto2 defaults), so .proto source and a descriptor set of the same
 * schema render the same.
 */
export function canonicalProto(model: ProtoModel): string {
  const messages = new Set<string>([model.root]);
  const enums = new Set<string>();
  const queue = [model.root];
  while (queue.length > 0) {
    const message = model.messages.get(queue.pop()!)!;
    for (const field of message.fields) {
      const t = field.type;
      if (t.kind === "message" && !messages.has(t.name)) {
        messages.add(t.name);
        queue.push(t.name);
      } else if (t.kind === "enum") enums.add(t.name);
    }
  }
  const lines = ["hearsay-schema 1", "format protobuf", `root ${model.root}`];
  for (const name of [...messages].sort()) {
    lines.push(`message ${name}`);
    for (const field of model.messages.get(name)!.fields) lines.push(`  ${fieldLine(field)}`);
  }
  for (const name of [...enums].sort()) {
    lines.push(`enum ${name}`);
    const values = [...model.enums.get(name)!.values].sort(
      (a, b) => a.number - b.number || cmp(a.name, b.name),
    );
    for (const v of values) lines.push(`  value ${v.number} ${v.name}`);
  }
  return `${lines.join("\n")}\n`;
}

function fieldLine(f: ProtoField): string {
  const type = f.mapKey !== undefined ? `map<${f.mapKey},${typeText(f.type)}>` : typeText(f.type);
  const oneof = f.oneof !== undefined ? ` oneof=${f.oneof}` : "";
  return `field ${f.number} ${f.name} json=${f.jsonName} ${f.label} presence=${f.presence ? "explicit" : "implicit"}${oneof} ${type}`;
}

function typeText(t: ProtoValueType): string {
  return t.kind === "scalar" ? t.scalar : `${t.kind}:${t.name}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
