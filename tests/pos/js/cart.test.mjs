// node --test tests/pos/js/ : the cart's untagged ressourcerie lines, as the server takes them.
import assert from "node:assert/strict";
import { test } from "node:test";

const memory = new Map();
globalThis.localStorage = {
  getItem: (key) => (memory.has(key) ? memory.get(key) : null),
  setItem: (key, value) => memory.set(key, String(value)),
};
const { Cart, isItemTag } = await import("../../../pos/static/pos/cart.js");

const pasta = { id: 7, name: "Pâtes", unit: "piece", price_cents: 109, per_visit_limit: null };

function untagged(fields) {
  return {
    untagged: { category_id: 3, lot: false, ...fields.untagged },
    name: fields.name, unit: "untagged", unitPriceCents: fields.price, quantity: 1,
    priceCents: null, perVisitLimit: null, weighedGrams: fields.weighed ?? null,
    standardGrams: fields.standard ?? null,
  };
}

test("untagged lines go apart from the épicerie's, without the participation rate", () => {
  const cart = new Cart(`t-${Math.random()}`);
  cart.setHousehold({ card_code: "F1", right_valid: true, participation_rate_bp: 2000 });
  cart.add(pasta, 2);
  cart.addUntagged(untagged({ name: "Livres — Poche", price: 50, standard: 300,
    untagged: { grid_entry: 0 } }));
  assert.ok(cart.setQuantity(1, 3));  // three paperbacks: three standard weights
  assert.equal(cart.weightGrams(cart.lines[1]), 900);
  cart.addUntagged(untagged({ name: "Textiles (lot)", price: 500, weighed: 3200,
    untagged: { lot: true, price_cents: 500 } }));
  assert.equal(cart.setQuantity(2, 2), false);  // a lot is one
  assert.ok(cart.setUnitPrice(1, 40));  // typed at the till, no approval
  // 2 × 1,09 € at 20 %, then 3 × 0,40 € and 5 € at their own price
  assert.equal(cart.total, 44 + 120 + 500);
  const body = cart.saleBody("C2", false);
  assert.deepEqual(body.lines, [{ product_id: 7, quantity: 2 }]);
  assert.deepEqual(body.untagged, [
    { category_id: 3, lot: false, grid_entry: 0, price_cents: 40, quantity: 3 },
    { category_id: 3, lot: true, price_cents: 500, quantity: 1, weight_grams: 3200 },
  ]);
  assert.deepEqual(cart.productLines.map((l) => l.name), ["Pâtes"]);
});

test("a ressourcerie tag is read as one, with or without its site", () => {
  for (const tag of ["R00042", "r00042 ", "NORD-R00042", "nord2-r00001", "A-R12345"]) {
    assert.equal(isItemTag(tag), true, tag);
  }
  // Products, cards and near misses go to the nomenclature.
  for (const code of ["3017620422003", "R0042", "R000042", "NORD-C1-000001", "TROPLONGNOM-R00001", "-R00001", "NORD R00001"]) {
    assert.equal(isItemTag(code), false, code);
  }
});
