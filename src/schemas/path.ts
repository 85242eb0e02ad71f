/** Joins a parent path and a child name: "" + "a" = "a", "a" + "b" = "a.b". */
export function joinPath(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}
