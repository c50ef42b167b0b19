// Selling without the server. The till keeps, in this browser's IndexedDB (one database per
// till), what it needs to go on: its offline series and next ticket number, the encadrant·es'
// badge digests, the household cards' answers (name, validity, rate, allowance left), and a
// durable outbox of the sales made offline. When the server answers again, the outbox goes
// out in order, each sale with its UUID (the server records it once) — and nothing is refused
// after the customer has left: the server flags what it would have refused.
//
// The page, its scripts, the catalogue and the session answer from the service worker's copy
// (sw.js) when the server is down.

const DB_VERSION = 1;

function request(idbRequest) {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}

export class OfflineStore {
  constructor(tillCode) {
    this.name = `caisse-${tillCode}`;
    this.db = null;
  }

  async open() {
    if (this.db) return this.db;
    const opening = indexedDB.open(this.name, DB_VERSION);
    opening.onupgradeneeded = () => {
      const db = opening.result;
      if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "seq" });
      if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
    };
    this.db = await request(opening);
    return this.db;
  }

  async store(name, mode = "readonly") {
    return (await this.open()).transaction(name, mode).objectStore(name);
  }

  async get(key) {
    return request((await this.store("kv")).get(key));
  }

  async put(key, value) {
    const store = await this.store("kv", "readwrite");
    await request(store.put(value, key));
    await new Promise((resolve, reject) => {
      store.transaction.oncomplete = resolve;
      store.transaction.onerror = () => reject(store.transaction.error);
    });
  }

  // A sale made offline: written (durably) before the till says it is recorded.
  async enqueue(body) {
    const store = await this.store("outbox", "readwrite");
    const all = await request(store.getAll());
    const seq = all.reduce((max, entry) => Math.max(max, entry.seq), 0) + 1;
    await request(store.add({ seq, body, at: Date.now() }));
    await new Promise((resolve, reject) => {
      store.transaction.oncomplete = resolve;
      store.transaction.onerror = () => reject(store.transaction.error);
    });
    return seq;
  }

  async outbox() {
    return request((await this.store("outbox")).getAll());  // in seq order: made order
  }

  async remove(seq) {
    const store = await this.store("outbox", "readwrite");
    await request(store.delete(seq));
  }

  // Logout: the households' answers leave this machine (the outbox stays: sales).
  async forgetPeople() {
    const store = await this.store("kv", "readwrite");
    await request(store.delete("cards"));
  }
}

// The body of a sale made offline: the cart's, plus what the server needs to record it as it
// was made (time, ticket number, the rate and the unit prices the till applied).
export function offlineBody(body, cart, { number, madeAt, approvedByBadge = null }) {
  return {
    ...body,
    offline: {
      made_at: new Date(madeAt).toISOString(),
      ...(number != null ? { number } : {}),
      ...(cart.rate != null ? { rate_bp: cart.rate } : {}),
      unit_prices: cart.productLines.map((line) => (line.code ? null : cart.unitPrice(line))),
      ...(approvedByBadge ? { approved_by_badge: approvedByBadge } : {}),
    },
  };
}

// "C1H" and 12 → "C1H-000012", as the server writes it.
export function ticketText(series, number) {
  return `${series}-${String(number).padStart(6, "0")}`;
}

// What is left this month for a card, from its cached answer and the sales made offline
// with it since (the server has not counted them yet).
export function remainingOffline(card, outbox) {
  if (card.remaining_this_month_cents == null) return null;
  const spent = outbox.filter((e) => e.body.card_code === card.card_code && e.at >= card.cachedAt)
    .reduce((sum, e) => sum + e.body.expected_total_cents, 0);
  return card.remaining_this_month_cents - spent;
}

export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
