// node --test tests/pos/js/ : the till's outbox alone, with a fake server and fake timers.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_RETRY_DELAY_MS, Outbox, retryDelay } from "../../../pos/static/pos/outbox.js";

class Store {  // the cart's part the outbox uses
  constructor() { this.pending = null; }
  freeze(body) { if (!this.pending) this.pending = { body }; return this.pending; }
  thaw() { this.pending = null; }
  clear() { this.pending = null; this.cleared = (this.cleared || 0) + 1; }
}

class Refusal extends Error {
  constructor(code) { super(code); this.code = code; this.status = 422; }
}

function harness(answers, retryable = undefined) {
  const store = new Store();
  const sent = [];
  const timers = [];
  const events = [];
  const outbox = new Outbox({
    store,
    send: async (body) => {
      sent.push(body);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return typeof answer === "function" ? answer(body) : answer;
    },
    isRefusal: (error) => error instanceof Refusal,
    retryable,
    on: {
      acknowledged: (result) => events.push(["acknowledged", result.ticket]),
      refused: async (error) => events.push(["refused", error.code]),
      pending: (error, attempts) => events.push(["pending", error.code, attempts]),
    },
    schedule: (fn, delay) => { timers.push({ fn, delay }); return timers.length; },
    cancel: () => {},
  });
  return { store, sent, timers, events, outbox };
}

const sale = (uuid = "u-1") => ({ uuid, lines: [{ product_id: 1, quantity: 2 }] });
const ack = (body) => ({ uuid: body.uuid, ticket: "C1-000001" });
const lost = () => Object.assign(new Error("réseau"), { code: "network" });

test("an acknowledged sale empties the cart, once", async () => {
  const h = harness([ack]);
  await h.outbox.submit(sale());
  assert.equal(h.sent.length, 1);
  assert.equal(h.store.pending, null);
  assert.deepEqual(h.events, [["acknowledged", "C1-000001"]]);
});

test("a lost answer keeps the sale and sends the same UUID again, later", async () => {
  const h = harness([lost(), lost(), ack]);
  await h.outbox.submit(sale("u-42"));
  assert.equal(h.store.pending.body.uuid, "u-42");
  assert.deepEqual(h.timers.map((t) => t.delay), [2000]);
  await h.timers.shift().fn();
  assert.deepEqual(h.timers.map((t) => t.delay), [4000]);
  await h.timers.shift().fn();
  assert.deepEqual(h.sent.map((b) => b.uuid), ["u-42", "u-42", "u-42"]);
  assert.equal(h.store.pending, null);
  assert.deepEqual(h.events.map((e) => e[0]), ["pending", "pending", "acknowledged"]);
});

test("a second Valider while pending keeps the first UUID", async () => {
  const h = harness([lost(), ack]);
  await h.outbox.submit(sale("first"));
  await h.outbox.submit(sale("second"));  // a double tap, a reload's new body
  assert.deepEqual(h.sent.map((b) => b.uuid), ["first", "first"]);
});

test("one send at a time: a flush during a send does nothing", async () => {
  let release;
  const h = harness([(body) => new Promise((resolve) => { release = () => resolve(ack(body)); })]);
  const first = h.outbox.submit(sale());
  await h.outbox.flush();
  await h.outbox.flush();
  release();
  await first;
  assert.equal(h.sent.length, 1);
});

test("a refusal thaws the cart and is handed to the till, no retry", async () => {
  const h = harness([new Refusal("price_mismatch")]);
  await h.outbox.submit(sale());
  assert.equal(h.store.pending, null);
  assert.equal(h.timers.length, 0);
  assert.deepEqual(h.events, [["refused", "price_mismatch"]]);
});

test("an answer for another UUID is not an acknowledgement", async () => {
  const h = harness([{ uuid: "someone-else", ticket: "C1-000009" }]);
  await h.outbox.submit(sale("mine"));
  assert.equal(h.store.pending.body.uuid, "mine");
  assert.deepEqual(h.events, [["pending", "bad_answer", 1]]);
});

test("the retry delay grows to ten seconds and stays there", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(retryDelay), [2000, 4000, 8000, 10000, 10000, 10000]);
  assert.equal(retryDelay(0), 1000);
  assert.equal(MAX_RETRY_DELAY_MS, 10000);
});

test("an abandoned sale stops the retries and frees the cart", async () => {
  const h = harness([lost()]);
  await h.outbox.submit(sale());
  h.outbox.abandoned();
  assert.equal(h.store.pending, null);
  assert.equal(h.outbox.failedAttempts, 0);
  await h.outbox.flush();
  assert.equal(h.sent.length, 1);
});

test("what only a person can fix is not retried: the sale waits, kept", async () => {
  const ended = Object.assign(new Error("session"), { code: "auth_required" });
  const h = harness([ended, ack], (error) => error.code !== "auth_required");
  await h.outbox.submit(sale("kept"));
  assert.equal(h.timers.length, 0);
  assert.equal(h.store.pending.body.uuid, "kept");
  await h.outbox.flush();  // the page is back after a new badge: it sends the same sale
  assert.deepEqual(h.sent.map((b) => b.uuid), ["kept", "kept"]);
  assert.equal(h.store.pending, null);
});
