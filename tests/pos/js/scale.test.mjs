// node --test tests/pos/js/ : the one scale reader the till and the staff pages share.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  kilogramsText, readScaleGrams, SCALE_UNREACHABLE, ScaleError,
} from "../../../app/static/js/scale.js";

function answer(status, body) {
  return async (url, options) => {
    assert.equal(url, "/api/balance");
    assert.equal(options.credentials, "same-origin");
    return { ok: status < 400, status, json: async () => body };
  };
}

test("a stable reading is whole grams", async () => {
  assert.equal(await readScaleGrams(answer(200, { grams: 1250 })), 1250);
});

test("the server's French message and code come through when the scale refuses", async () => {
  const refusal = readScaleGrams(answer(503, { code: "scale_unstable", message: "Poids instable : attendez." }));
  await assert.rejects(refusal, (error) => error instanceof ScaleError
    && error.code === "scale_unstable" && error.message === "Poids instable : attendez.");
});

test("no network, an unreadable answer or a weight that is not whole grams: type the weight", async () => {
  const offline = async () => { throw new TypeError("Failed to fetch"); };
  await assert.rejects(readScaleGrams(offline), { message: SCALE_UNREACHABLE, code: "network" });
  const garbled = async () => ({ ok: true, status: 200, json: async () => { throw new SyntaxError("x"); } });
  await assert.rejects(readScaleGrams(garbled), { message: SCALE_UNREACHABLE });
  await assert.rejects(readScaleGrams(answer(200, { grams: 1.5 })), { message: SCALE_UNREACHABLE });
  await assert.rejects(readScaleGrams(answer(200, { grams: -3 })), { message: SCALE_UNREACHABLE });
});

test("a session that ended says so (the till then asks for the badge)", async () => {
  await assert.rejects(readScaleGrams(answer(401, { code: "auth_required", message: "Badgez-vous." })),
    { code: "auth_required" });
});

test("grams shown as the pad types kilograms", () => {
  assert.equal(kilogramsText(1250), "1,250");
  assert.equal(kilogramsText(5), "0,005");
  assert.equal(kilogramsText(12000), "12,000");
});
