// Reports every schema with `type: array` and no `items`, walking the whole
// document but not into example values (`example`, `examples`), which are
// data. A property *named* "example" (under `properties`) is still a schema.
module.exports = function arrayItemsOutsideExamples(doc) {
  const results = [];
  const walk = (node, path) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, path.concat(i)));
      return;
    }
    if (node === null || typeof node !== "object") return;
    if (node.type === "array" && node.items === undefined) {
      results.push({ message: 'Schemas with "type: array" require a sibling "items" field', path });
    }
    const parent = path[path.length - 1];
    for (const [key, value] of Object.entries(node)) {
      if ((key === "example" || key === "examples") && parent !== "properties") continue;
      walk(value, path.concat(key));
    }
  };
  walk(doc, []);
  return results;
};
