// The client side of exactly-once. The cart holds at most one pending sale, frozen on its UUID
// (it survives a reload: the cart stores it with its lines). The outbox sends that same body
// again — same UUID — until the server answers: acknowledged (the cart empties), refused
// (nothing was recorded: the cart thaws and can change), or no answer we can trust (a lost
// connection, a busy server, an answer for another UUID): the sale stays and goes again after
// a growing delay (2 s, 4 s, 8 s, then every 10 s). Only one send is in flight at a time.
//
// No DOM here: the till wires it (till.js) and node's test runner checks it alone
// (tests/pos/js/outbox.test.mjs).

export const MAX_RETRY_DELAY_MS = 10000;

export function retryDelay(attempts) {
  return Math.min(1000 * 2 ** Math.min(attempts, 4), MAX_RETRY_DELAY_MS);
}

export class Outbox {
  // store: the cart (pending, freeze(body), thaw(), clear()); send(body) → the server's answer
  // or a thrown error; isRefusal(error) → the server read the sale and refused it; on: the
  // till's reactions {acknowledged(result), refused(error, body), pending(error, attempts)};
  // retryable(error) → false for what only a person can fix (a session ended: the sale waits,
  // kept, for the next badge and goes when the till page comes back).
  // (The timers are wrapped: a browser refuses setTimeout called on another object.)
  constructor({
    store, send, isRefusal, on,
    retryable = () => true,
    schedule = (fn, ms) => setTimeout(fn, ms),
    cancel = (id) => clearTimeout(id),
  }) {
    Object.assign(this, { store, send, isRefusal, on, retryable, schedule, cancel });
    this.sending = false;
    this.failedAttempts = 0;
    this.timer = null;
  }

  get pending() {
    return this.store.pending;
  }

  // "Valider": freeze the cart on this sale (a second call keeps the first UUID), then send.
  submit(body) {
    this.store.freeze(body);
    return this.flush();
  }

  // Send the pending sale now, unless one send is already in flight.
  async flush() {
    if (this.sending || !this.store.pending) return;
    this.sending = true;
    this.cancel(this.timer);
    this.timer = null;
    const { body } = this.store.pending;
    let outcome;
    try {
      const result = await this.send(body);
      outcome = result && result.uuid === body.uuid
        ? { kind: "acknowledged", result }
        : { kind: "pending", error: { code: "bad_answer", message: "Réponse inattendue du serveur." } };
    } catch (error) {
      outcome = this.isRefusal(error) ? { kind: "refused", error } : { kind: "pending", error };
    } finally {
      this.sending = false;
    }
    if (outcome.kind === "acknowledged") {
      this.failedAttempts = 0;
      this.store.clear();
      this.on.acknowledged(outcome.result);
    } else if (outcome.kind === "refused") {
      this.failedAttempts = 0;
      this.store.thaw();
      await this.on.refused(outcome.error, body);
    } else {
      this.failedAttempts += 1;
      if (this.retryable(outcome.error)) {
        this.timer = this.schedule(() => this.flush(), retryDelay(this.failedAttempts));
      }
      this.on.pending(outcome.error, this.failedAttempts);
    }
  }

  // The pending sale was abandoned (an encadrant·e, logged on the server): stop retrying.
  abandoned() {
    this.cancel(this.timer);
    this.timer = null;
    this.failedAttempts = 0;
    this.store.thaw();
  }
}
