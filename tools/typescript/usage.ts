// Compiled (not run) by tools/check-typescript against the types that
// openapi-typescript generates from spec/dist/braze.yaml: the exported spec
// must describe real requests and responses to another language's toolchain.
import type { components, paths } from "./generated/braze";

type Schemas = components["schemas"];

// A /users/track body with standard attributes, an explicit null, custom
// attributes of several shapes, an event and a purchase.
export const track: Schemas["UsersTrackRequest"] = {
  attributes: [
    {
      external_id: "user-1234",
      first_name: "Ada",
      home_city: null,
      loyalty_tier: "gold",
      visits: { inc: 1 },
      favorite_genres: { add: ["jazz"] },
    },
  ],
  events: [{ external_id: "user-1234", name: "played_song", time: "2026-11-26T18:30:00Z" }],
  purchases: [
    { external_id: "user-1234", product_id: "premium-monthly", currency: "EUR", price: 9.99, time: "2026-11-26T18:31:00Z" },
  ],
};

// The success body of the operation (the 201 Braze sends), reached through `paths`.
type TrackResponse =
  paths["/users/track"]["post"]["responses"]["201"]["content"]["application/json"];
export function processed(r: TrackResponse): number {
  return (r.attributes_processed ?? 0) + (r.events_processed ?? 0) + (r.purchases_processed ?? 0);
}

// A closed request enum rejects a value Braze does not document.
// @ts-expect-error -- "maybe" is not an email subscription state
export const badState: Schemas["EmailSubscriptionState"] = "maybe";

// A required field cannot be left out.
// @ts-expect-error -- an event needs a name and a time
export const badEvent: Schemas["UserEvent"] = { external_id: "user-1234" };
