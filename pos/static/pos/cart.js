// The cart: lines priced as the server prices them, kept in the browser so a reload loses
// nothing. The server recomputes everything at validation and refuses a different total.
//
// Exactly once: from the first "Valider" the cart holds the sale being sent (`pending`: its
// UUID and body, saved in the same storage entry as the lines, so a reload cannot separate
// them). A pending cart is frozen: every change is refused until the server acknowledges the
// sale (the cart is then emptied), refuses it (nothing was recorded: the cart thaws), or an
// encadrant·e abandons it (logged on the server, which will never record that UUID).
import { applyRate, roundHalfAway } from "./money.js";

// A ressourcerie tag: « R00042 » at the first site, « NORD-R00042 » at site NORD (its code,
// 1 to 8 capitals or digits). Anything else goes to the nomenclature.
export function isItemTag(raw) {
  return /^(?:[A-Z0-9]{1,8}-)?R\d{5}$/i.test(raw.trim());
}

export class Cart {
  constructor(storageKey) {
    this.storageKey = storageKey;
    const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    this.lines = saved?.lines || [];
    this.household = saved?.household || null;
    this.payments = saved?.payments || [];
    this.approvalToken = saved?.approvalToken || null;
    this.pending = saved?.pending || null;
    this.selected = this.lines.length - 1;
  }

  save() {
    localStorage.setItem(this.storageKey, JSON.stringify({
      lines: this.lines, household: this.household, payments: this.payments,
      approvalToken: this.approvalToken, pending: this.pending,
    }));
  }

  get frozen() {
    return this.pending !== null;
  }

  // The sale as the server takes it: what was scanned, never a price it can compute itself.
  saleBody(tillCode, receiptRequested) {
    return {
      uuid: crypto.randomUUID(), till: tillCode,
      items: this.lines.filter((l) => l.itemNumber).map((l) => l.itemNumber),
      untagged: this.lines.filter((l) => l.untagged).map((l) => ({ ...l.untagged,
        quantity: l.quantity, ...(l.weighedGrams ? { weight_grams: l.weighedGrams } : {}) })),
      lines: this.productLines.map((l) => (l.code
        ? { code: l.code }
        : { product_id: l.productId, quantity: l.quantity,
          ...(l.manualUnitPriceCents != null ? { manual_unit_price_cents: l.manualUnitPriceCents,
            price_reason: "Prix changé à la caisse",
            ...(l.priceApproval ? { approval_token: l.priceApproval } : {}) } : {}) })),
      payments: this.payments.map((p) => ({ method: p.method, amount_cents: p.amount })),
      expected_total_cents: this.total, receipt_requested: receiptRequested,
      ...(this.household ? { card_code: this.household.card_code } : {}),
      ...(this.approvalToken ? { approval_token: this.approvalToken } : {}),
    };
  }

  // The épicerie's lines (what `lines` of the sale body holds, in the same order).
  get productLines() {
    return this.lines.filter((l) => !l.itemNumber && !l.untagged);
  }

  // Freeze the cart on this sale; a second call while pending keeps the first (one UUID).
  freeze(body) {
    if (this.pending) return this.pending;
    this.pending = { body, since: Date.now() };
    this.save();
    return this.pending;
  }

  // The server refused the sale (nothing recorded) or it was abandoned: editable again.
  thaw() {
    this.pending = null;
    this.save();
  }

  clear() {
    this.lines = [];
    this.household = null;
    this.payments = [];
    this.approvalToken = null;
    this.pending = null;
    this.selected = -1;
    this.save();
  }

  // The customer leaves without buying: refused while the sale is being sent.
  cancel() {
    if (this.frozen) return false;
    this.clear();
    return true;
  }

  // The approval of an overrun is for one total: any change to the basket needs a new one.
  changed() {
    this.payments = [];
    this.approvalToken = null;
    this.save();
  }

  // Every change below is refused while a sale is being sent.
  setHousehold(household) {
    if (this.frozen) return false;
    this.household = household;
    this.payments = [];
    this.approvalToken = null;
    this.save();
    return true;
  }

  setApproval(token) {
    if (this.frozen) return false;
    this.approvalToken = token;
    this.save();
    return true;
  }

  addPayment(method, amount) {
    if (this.frozen) return false;
    this.payments.push({ method, amount });
    this.save();
    return true;
  }

  removePayment(index) {
    if (this.frozen) return false;
    this.payments.splice(index, 1);
    this.save();
    return true;
  }

  get rate() {
    return this.household && this.household.right_valid
      ? this.household.participation_rate_bp : null;
  }

  // `code`: the weighed label scanned (the server reads weight or price from it again).
  add(product, quantity, priceCents = null, code = null) {
    if (this.frozen || !(quantity > 0)) return false;
    const mergeable = product.unit !== "kg" && priceCents === null && code === null;
    const existing = mergeable
      ? this.lines.findIndex((l) => l.productId === product.id && l.priceCents === null
        && l.manualUnitPriceCents == null) : -1;
    if (existing >= 0) {
      this.lines[existing].quantity += quantity;
      this.selected = existing;
    } else {
      this.lines.push({ productId: product.id, name: product.name, unit: product.unit,
        unitPriceCents: product.price_cents, quantity, priceCents, code,
        perVisitLimit: product.per_visit_limit });
      this.selected = this.lines.length - 1;
    }
    this.changed();
    return true;
  }

  setQuantity(index, quantity) {
    if (this.frozen || index < 0 || index >= this.lines.length || quantity <= 0) return false;
    if (this.lines[index].itemNumber || this.lines[index].code) return false;  // unique, or label
    if (this.lines[index].untagged?.lot || (this.lines[index].untagged && quantity > 1000)) {
      return false;  // a lot is one; an untagged line holds 1 000 objects at most
    }
    this.lines[index].quantity = quantity;
    this.changed();
    return true;
  }

  // A ressourcerie object: unique, at its own price (no participation rate), once per basket.
  addItem(item) {
    if (this.frozen || this.lines.some((l) => l.itemNumber === item.number)) return false;
    this.lines.push({ itemNumber: item.number, name: item.label, unit: "item",
      unitPriceCents: item.price_cents, quantity: 1, priceCents: null, perVisitLimit: null });
    this.selected = this.lines.length - 1;
    this.changed();
    return true;
  }

  // Untagged ressourcerie objects sold by category (untagged.js made the line): their own
  // price, no participation rate; weighed, or the category's standard weight per object.
  addUntagged(line) {
    if (this.frozen) return false;
    this.lines.push(line);
    this.selected = this.lines.length - 1;
    this.changed();
    return true;
  }

  weightGrams(line) {
    return line.weighedGrams ?? (line.standardGrams || 0) * line.quantity;
  }

  // A price changed by hand (per piece or per kg) for one line, with the approval given for
  // this product at this price (none when an encadrant·e holds the till).
  setUnitPrice(index, cents, approvalToken = null) {
    const line = this.lines[index];
    if (this.frozen || !line || line.priceCents !== null || line.itemNumber || line.code
        || !(cents >= 0)) return false;
    if (line.untagged) {  // the ressourcerie's price is typed at the till: no approval
      line.untagged = { ...line.untagged, price_cents: cents };
      line.unitPriceCents = cents;
      this.changed();
      return true;
    }
    line.manualUnitPriceCents = cents;
    line.priceApproval = approvalToken;
    this.changed();
    return true;
  }

  unitPrice(line) {
    return line.manualUnitPriceCents ?? line.unitPriceCents;
  }

  remove(index) {
    if (this.frozen || index < 0 || index >= this.lines.length) return false;
    this.lines.splice(index, 1);
    this.selected = Math.min(index, this.lines.length - 1);
    this.changed();
    return true;
  }

  reference(line) {
    if (line.priceCents !== null) return line.priceCents;
    if (line.unit === "kg") return roundHalfAway(this.unitPrice(line) * line.quantity, 1000);
    return this.unitPrice(line) * line.quantity;
  }

  amount(line) {
    const reference = this.reference(line);
    return this.rate === null || line.itemNumber || line.untagged
      ? reference : applyRate(reference, this.rate);
  }

  get referenceTotal() {
    return this.lines.reduce((sum, line) => sum + this.reference(line), 0);
  }

  get total() {
    return this.lines.reduce((sum, line) => sum + this.amount(line), 0);
  }

  get paid() {
    return this.payments.reduce((sum, p) => sum + p.amount, 0);
  }

  get due() {
    return Math.max(this.total - this.paid, 0);
  }

  get change() {
    return Math.max(this.paid - this.total, 0);
  }

  // What needs a staff badge before paying: allowance and per-visit limits (beneficiaries).
  get approvalsNeeded() {
    if (this.rate === null) return [];
    const reasons = [];
    const pieces = new Map();
    for (const line of this.lines) {
      if (line.unit !== "kg" && line.perVisitLimit) {
        const entry = pieces.get(line.productId) || { name: line.name, limit: line.perVisitLimit,
          count: 0 };
        entry.count += line.quantity;
        pieces.set(line.productId, entry);
      }
    }
    for (const entry of pieces.values()) {
      if (entry.count > entry.limit) reasons.push(`« ${entry.name} » : ${entry.limit} par passage au plus.`);
    }
    const remaining = this.household.remaining_this_month_cents;
    if (remaining !== null && this.total > remaining) reasons.push("Montant du mois dépassé.");
    return reasons;
  }
}
