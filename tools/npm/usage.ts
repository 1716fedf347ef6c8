// Type-checked (tsc --strict) in a scratch project that installed the
// package from its npm pack tarball: the JSON imports, the types resolve
// through the package's exports map, and they are real types, not `any`.
import spec from "braze-openapi/braze.json";
import type { components, operations, paths } from "braze-openapi";

const version: string = spec.info.version;
const operationCount: number = Object.keys(spec.paths).length;

type TrackBody = paths["/users/track"]["post"]["requestBody"]["content"]["application/json"];
const track: TrackBody = {
  attributes: [{ external_id: "user-1234", first_name: "Ada" }],
};

type DataObject = components["schemas"]["DataObject"];
const record: DataObject = { type_name: "account", external_id: "acct-123", attributes: { name: "Acme" } };

// @ts-expect-error: a data object needs its external_id (the types are not `any`)
const incomplete: DataObject = { type_name: "account", attributes: {} };

type CreateObject = operations["data_object_create"]["requestBody"]["content"]["application/json"];
const create: CreateObject = { external_id: "acct-new", attributes: { industry: "software" } };

export const used = [version, operationCount, track, record, incomplete, create];
