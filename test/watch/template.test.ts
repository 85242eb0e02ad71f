import { describe, expect, it } from "vitest";
import { planWrite, Template, type WatchState } from "../../src/watch/index.js";

const zk: WatchState = {
  kind: "service",
  service: "zk",
  instances: [
    { id: "z2", name: "zk", node: "n2", address: "10.0.0.2", port: 2181, tags: { dc: "b" } },
    { id: "z1", name: "zk", node: "n1", address: "10.0.0.1", port: 2181, tags: { dc: "a", rack: "r1" } },
  ],
};

function render(text: string, s: WatchState = zk): string {
  const t = Template.compile(text);
  if (!t.ok) throw new Error(t.error);
  const r = t.template.render(s);
  if (!r.ok) throw new Error(r.error);
  return r.text;
}

describe("watch templates (Mustache, logic-less)", () => {
  it("renders a zookeeper.connect line and a broker list from the pre-joined and per-instance variables", () => {
    expect(render("zookeeper.connect={{hostports}}\n")).toBe(
      "zookeeper.connect=10.0.0.1:2181,10.0.0.2:2181\n",
    );
    expect(render("{{#instances}}{{address}}:{{port}}{{^last}};{{/last}}{{/instances}}")).toBe(
      "10.0.0.1:2181;10.0.0.2:2181",
    );
    expect(
      render("{{service}} {{count}} {{#instances}}[{{index}} {{id}} {{node}} {{tags.dc}}]{{/instances}}"),
    ).toBe("zk 2 [0 z1 n1 a][1 z2 n2 b]");
    expect(render("{{#instances}}{{#tagList}}{{key}}={{value}} {{/tagList}}|{{/instances}}")).toBe(
      "dc=a rack=r1 |dc=b |",
    );
    expect(
      render("{{^instances}}none{{/instances}}", { kind: "service", service: "zk", instances: [] }),
    ).toBe("none");
  });

  it("members: names, hosts, gossip host:ports", () => {
    const s: WatchState = {
      kind: "members",
      tags: { role: "broker" },
      members: [
        { name: "b", address: "10.0.0.2:7946", tags: {} },
        { name: "a", address: "10.0.0.1:7946", tags: {} },
      ],
    };
    expect(render("{{count}} {{names}} {{addresses}} {{hostports}} {{tags.role}}", s)).toBe(
      "2 a,b 10.0.0.1,10.0.0.2 10.0.0.1:7946,10.0.0.2:7946 broker",
    );
    expect(render("{{#members}}{{name}}@{{host}}:{{port}}{{^last}},{{/last}}{{/members}}", s)).toBe(
      "a@10.0.0.1:7946,b@10.0.0.2:7946",
    );
  });

  it("does not HTML-escape (config files are not HTML)", () => {
    const s: WatchState = {
      kind: "service",
      service: "x",
      instances: [{ id: "a", name: "x", node: "n", address: "h", port: 1, tags: { q: '<a&b>"' } }],
    };
    expect(render("{{#instances}}{{tags.q}}{{/instances}}", s)).toBe('<a&b>"');
  });

  it("refuses broken templates, partials and oversized ones, naming the problem", () => {
    expect(Template.compile("{{#instances}}")).toEqual({
      ok: false,
      error: 'Unclosed section "instances" at 14',
    });
    expect(Template.compile("{{#instances}}{{> evil}}{{/instances}}")).toEqual({
      ok: false,
      error: "partials are not supported: {{> evil}}",
    });
    const big = Template.compile("x".repeat(2_000), { maxTemplateBytes: 1_000, maxOutputBytes: 10 });
    expect(big).toEqual({ ok: false, error: "2000 bytes, over the limit of 1000" });
  });

  it("refuses output over the limit instead of writing it", () => {
    const t = Template.compile("{{#instances}}{{hostports}}{{/instances}}", {
      maxTemplateBytes: 100,
      maxOutputBytes: 30,
    });
    expect(t.ok).toBe(true);
    const r = (t as { ok: true; template: Template }).template.render(zk);
    expect(r).toEqual({ ok: false, error: "rendered 54 bytes, over the limit of 30" });
  });

  it("planWrite: write only changed text; --then after a write or after it failed", () => {
    expect(planWrite("a", null, false, true)).toEqual({ write: true, runThen: true });
    expect(planWrite("a", "a", false, true)).toEqual({ write: false, runThen: false });
    expect(planWrite("a", "a", true, true)).toEqual({ write: false, runThen: true });
    expect(planWrite("b", "a", false, false)).toEqual({ write: true, runThen: false });
  });
});
