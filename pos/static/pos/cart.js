// The cart: lines priced as the server prices them, kept in the browser so a reload loses
// nothing. The server recomputes everything at validation and refuses a different total.
import { applyRate, roundHalfAway } from "./money.js";

export class Cart {
  constructor(storageKey) {
    this.storageKey = storageKey;
    const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    this.lines = saved?.lines || [];
    this.household = saved?.household || null;
    this.payments = saved?.payments || [];
    this.overrideBadge = saved?.overrideBadge || null;
    this.selected = this.lines.length - 1;
  }

  save() {
    localStorage.setItem(this.storageKey, JSON.stringify({
      lines: this.lines, household: this.household, payments: this.payments,
      overrideBadge: this.overrideBadge,
    }));
  }

  clear() {
    this.lines = [];
    this.household = null;
    this.payments = [];
    this.overrideBadge = null;
    this.selected = -1;
    this.save();
  }

  get rate() {
    return this.household && this.household.right_valid
      ? this.household.participation_rate_bp : null;
  }

  add(product, quantity, priceCents = null) {
    if (!(quantity > 0)) return;
    const mergeable = product.unit !== "kg" && priceCents === null;
    const existing = mergeable
      ? this.lines.findIndex((l) => l.productId === product.id && l.priceCents === null
        && l.manualUnitPriceCents == null) : -1;
    if (existing >= 0) {
      this.lines[existing].quantity += quantity;
      this.selected = existing;
    } else {
      this.lines.push({ productId: product.id, name: product.name, unit: product.unit,
        unitPriceCents: product.price_cents, quantity, priceCents,
        perVisitLimit: product.per_visit_limit });
      this.selected = this.lines.length - 1;
    }
    this.payments = [];
    this.save();
  }

  setQuantity(index, quantity) {
    if (index < 0 || index >= this.lines.length || quantity <= 0) return false;
    if (this.lines[index].itemNumber) return false;  // a unique object
    this.lines[index].quantity = quantity;
    this.payments = [];
    this.save();
    return true;
  }

  // A ressourcerie object: unique, at its own price (no participation rate), once per basket.
  addItem(item) {
    if (this.lines.some((l) => l.itemNumber === item.number)) return false;
    this.lines.push({ itemNumber: item.number, name: item.label, unit: "item",
      unitPriceCents: item.price_cents, quantity: 1, priceCents: null, perVisitLimit: null });
    this.selected = this.lines.length - 1;
    this.payments = [];
    this.save();
    return true;
  }

  // A price changed by hand (per piece or per kg) for one line; a staff badge validates it.
  setUnitPrice(index, cents) {
    const line = this.lines[index];
    if (!line || line.priceCents !== null || line.itemNumber || !(cents >= 0)) return false;
    line.manualUnitPriceCents = cents;
    this.payments = [];
    this.save();
    return true;
  }

  unitPrice(line) {
    return line.manualUnitPriceCents ?? line.unitPriceCents;
  }

  remove(index) {
    if (index < 0 || index >= this.lines.length) return;
    this.lines.splice(index, 1);
    this.selected = Math.min(index, this.lines.length - 1);
    this.payments = [];
    this.save();
  }

  reference(line) {
    if (line.priceCents !== null) return line.priceCents;
    if (line.unit === "kg") return roundHalfAway(this.unitPrice(line) * line.quantity, 1000);
    return this.unitPrice(line) * line.quantity;
  }

  amount(line) {
    const reference = this.reference(line);
    return this.rate === null || line.itemNumber ? reference : applyRate(reference, this.rate);
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
