// node --test tests/pos/js/ : what the till sends for a sale made offline, and what it says.
import assert from "node:assert/strict";
import { test } from "node:test";

import { offlineBody, remainingOffline, sha256Hex, ticketText } from "../../../pos/static/pos/offline.js";

const cart = {
  rate: 2000,
  productLines: [{ code: null, unitPriceCents: 109 }, { code: "2100005012345", unitPriceCents: 320 }],
  unitPrice: (line) => line.manualUnitPriceCents ?? line.unitPriceCents,
};

test("an offline sale carries its time, its number, the rate and the prices it was sold at", () => {
  const body = offlineBody({ uuid: "u", expected_total_cents: 87 }, cart,
    { number: 12, madeAt: Date.UTC(2026, 10, 30, 9, 5) });
  assert.deepEqual(body.offline, {
    made_at: "2026-11-30T09:05:00.000Z", number: 12, rate_bp: 2000,
    unit_prices: [109, null],  // a weighed label's price is read again by the server
  });
  const unsure = offlineBody({ uuid: "v" }, { ...cart, rate: null }, { number: null, madeAt: 0 });
  assert.equal("number" in unsure.offline, false);
  assert.equal("rate_bp" in unsure.offline, false);
});

test("the ticket number as the server writes it, and the allowance left offline", async () => {
  assert.equal(ticketText("C1H", 12), "C1H-000012");
  const card = { card_code: "042", remaining_this_month_cents: 2000, cachedAt: 100 };
  const outbox = [
    { at: 50, body: { card_code: "042", expected_total_cents: 500 } },  // before the cache
    { at: 150, body: { card_code: "042", expected_total_cents: 700 } },
    { at: 160, body: { card_code: "043", expected_total_cents: 900 } },
  ];
  assert.equal(remainingOffline(card, outbox), 1300);
  assert.equal(remainingOffline({ ...card, remaining_this_month_cents: null }, outbox), null);
  assert.equal((await sha256Hex("abc")).slice(0, 8), "ba7816bf");
});
