// A schema is typed when it says its type, refers to a component, or combines
// schemas that do; `{}` or a schema with only a description is untyped.
module.exports = function typedSchema(schema) {
  if (schema === null || typeof schema !== "object") return [{ message: "schema is not an object" }];
  const typed = ["type", "$ref", "allOf", "oneOf", "anyOf"].some((k) => schema[k] !== undefined);
  return typed ? [] : [{ message: "untyped schema: give it a type or a $ref" }];
};
