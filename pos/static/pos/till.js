// The till page: scan, weigh, identify a household, take payments, validate exactly once.
import { call } from "./api.js";
import { Cart } from "./cart.js";
import { formatCents, formatGrams, parseCents, parseKilograms } from "./money.js";
import { Nomenclature } from "./nomenclature.js";
import { installScanner } from "../../../static/js/scanner.js";

const $ = (selector) => document.querySelector(selector);
const root = $("#till-app");
const tillCode = root.dataset.till;
const cart = new Cart(`caisse.cart.${tillCode}`);
const PENDING_KEY = "caisse.pending";
const METHOD_LABELS = { cash: "Espèces", card: "Carte bancaire", cheque: "Chèque" };
let nomenclature = null;
let catalogueTag = null;
let products = [];
let pad = "";
let waitingForBadge = null; // a function to call with the next staff badge scanned
let weighing = null; // a product waiting for its weight

// ---- messages -------------------------------------------------------------------------------
function say(text, kind = "info") {
  const box = $("#till-message");
  box.textContent = text;
  box.className = `till-message till-message-${kind}`;
  box.hidden = !text;
}

// ---- catalogue ------------------------------------------------------------------------------
async function loadCatalogue() {
  const response = await fetch("/api/pos/catalogue", {
    headers: catalogueTag ? { "If-None-Match": catalogueTag } : {}, credentials: "same-origin" });
  if (response.status === 304 || !response.ok) return;
  catalogueTag = response.headers.get("ETag");
  const data = await response.json();
  products = data.products;
  nomenclature = new Nomenclature(data.rules, products);
}

// ---- rendering ------------------------------------------------------------------------------
function quantityText(line) {
  return line.unit === "kg" ? formatGrams(line.quantity) : `${line.quantity}`;
}

function render() {
  const list = $("#cart-lines");
  list.replaceChildren();
  cart.lines.forEach((line, index) => {
    const row = document.createElement("li");
    row.className = `cart-line${index === cart.selected ? " selected" : ""}`;
    row.tabIndex = 0;
    row.dataset.index = index;
    const unitPrice = cart.unitPrice(line);
    const unit = (line.unit === "kg" ? `${formatCents(unitPrice)} / kg` : formatCents(unitPrice))
      + (line.manualUnitPriceCents != null ? " (prix changé)" : "");
    const paidText = cart.rate === null ? "" : `<span class="line-paid">vous payez ${formatCents(cart.amount(line))}</span>`;
    row.innerHTML = `<span class="line-name"></span><span class="line-qty">${quantityText(line)}</span>
      <span class="line-unit">${unit}</span><span class="line-amount">${formatCents(cart.reference(line))}${paidText}</span>`;
    row.querySelector(".line-name").textContent = line.name;
    row.addEventListener("click", () => { cart.selected = index; render(); });
    list.append(row);
  });
  $("#cart-empty").hidden = cart.lines.length > 0;
  const household = cart.household;
  const banner = $("#household");
  banner.hidden = !household;
  if (household) {
    $("#household-name").textContent = household.display_name;
    $("#household-status").textContent = household.message;
    $("#household-rate").textContent = household.right_valid
      ? `Participation ${household.participation_rate_bp / 100} %` : "Prix public";
    $("#household-remaining").textContent = household.right_valid
      ? `Reste ce mois : ${formatCents(household.remaining_this_month_cents - cart.total)}` : "";
    banner.classList.toggle("household-invalid", !household.right_valid);
  }
  $("#total-reference").textContent = formatCents(cart.referenceTotal);
  $("#total-due").textContent = formatCents(cart.total);
  $("#total-reference-row").hidden = cart.rate === null;
  $("#pad-display").textContent = pad || "\u00a0";
  $("#pay-button").disabled = cart.lines.length === 0;
  renderPayment();
}

function renderPayment() {
  $("#pay-total").textContent = formatCents(cart.total);
  $("#pay-due").textContent = formatCents(cart.due);
  $("#pay-change").textContent = formatCents(cart.change);
  $("#pay-change-row").hidden = cart.change === 0;
  const list = $("#payments");
  list.replaceChildren();
  cart.payments.forEach((payment, index) => {
    const item = document.createElement("li");
    item.innerHTML = `<span>${METHOD_LABELS[payment.method]} : ${formatCents(payment.amount)}</span>`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button-small";
    remove.textContent = "Retirer";
    remove.addEventListener("click", () => { cart.payments.splice(index, 1); cart.save(); render(); });
    item.append(remove);
    list.append(item);
  });
  $("#validate-button").disabled = cart.due > 0 || cart.lines.length === 0;
}

// ---- scanning -------------------------------------------------------------------------------
async function handleScan(raw) {
  if ($("#sale-area").hidden && !waitingForBadge) {
    say("La caisse n'est pas ouverte : comptez le fond de caisse et ouvrez-la d'abord.", "error");
    return;
  }
  if (/^R\d{5}$/i.test(raw.trim())) {  // a ressourcerie tag: one unique object
    await addItem(raw.trim().toUpperCase());
    return;
  }
  if (!nomenclature) await loadCatalogue();
  const result = nomenclature.parse(raw);
  if (result.error) {
    say(result.error, "error");
    if (result.unknown && root.dataset.canCreate) {
      const link = document.createElement("a");
      link.href = `/stock/products/new?code=${encodeURIComponent(result.unknown)}`;
      link.target = "_blank";
      link.className = "button button-small";
      link.textContent = "Créer ce produit";
      $("#till-message").append(" ", link);
    }
    return;
  }
  if (result.kind === "staff_badge") {
    if (waitingForBadge) {
      const next = waitingForBadge;
      waitingForBadge = null;
      next(result.code);
    } else {
      say("Badge lu : il sert à valider un dépassement ou un remboursement.", "info");
    }
    return;
  }
  if (result.kind === "beneficiary_card") {
    await identifyHousehold(result.code);
    return;
  }
  if (result.product.unit === "kg" && result.quantity === null) {
    weighing = result.product;
    pad = "";
    say(`Pesez « ${result.product.name} » : tapez le poids en kg puis « Poids ».`, "info");
    render();
    return;
  }
  if (result.product.unit !== "kg" && result.quantity === null) result.quantity = 1;
  cart.add(result.product, result.quantity, result.priceCents ?? null);
  say(`${result.product.name} ajouté.`, "ok");
  render();
}

async function addItem(number) {
  try {
    const item = await call("GET", `/api/pos/objets/${encodeURIComponent(number)}`);
    if (!item.sellable) { say(item.message, "error"); return; }
    if (!cart.addItem(item)) { say(`L'objet ${number} est déjà dans le panier.`, "error"); return; }
    say(`${item.label} ajouté — ticket imprimé avec la garantie.`, "ok");
  } catch (error) {
    say(error.message, "error");
  }
  render();
}

async function identifyHousehold(code) {
  try {
    cart.household = await call("GET", `/api/caisse/carte/${encodeURIComponent(code)}`);
    cart.payments = [];
    cart.overrideBadge = null;
    cart.save();
    say(`${cart.household.display_name} : ${cart.household.message}`,
      cart.household.right_valid ? "ok" : "error");
  } catch (error) {
    say(error.message, "error");
  }
  render();
}

// ---- numeric pad ----------------------------------------------------------------------------
function padKey(key) {
  if (key === "clear") pad = "";
  else if (key === "back") pad = pad.slice(0, -1);
  else if (pad.length < 10) pad += key;
  render();
}

function applyQuantity() {
  const line = cart.lines[cart.selected];
  if (!line) { say("Choisissez d'abord une ligne.", "error"); return; }
  if (line.itemNumber) { say("Un objet de la ressourcerie est unique : quantité 1.", "error"); return; }
  const quantity = line.unit === "kg" ? parseKilograms(pad) : (/^\d+$/.test(pad) ? Number(pad) : null);
  if (!quantity || quantity > 1000000) {
    say(line.unit === "kg" ? "Tapez un poids en kg (ex. : 1,250)." : "Tapez un nombre de pièces.", "error");
    return;
  }
  cart.setQuantity(cart.selected, quantity);
  pad = "";
  render();
}

function changePrice() {
  const index = cart.selected;
  const line = cart.lines[index];
  if (!line) { say("Choisissez d'abord une ligne.", "error"); return; }
  if (line.priceCents !== null || line.itemNumber) { say("Ce prix ne se change pas à la caisse (étiquette pesée ou objet de la ressourcerie).", "error"); return; }
  const cents = parseCents(pad);
  if (cents === null || cents > 10000000) {
    say(`Tapez le nouveau prix${line.unit === "kg" ? " au kg" : ""} (ex. : 0,50) puis « Changer le prix ».`, "error");
    return;
  }
  const apply = () => {
    cart.setUnitPrice(index, cents);
    pad = "";
    say(`Prix de « ${line.name} » : ${formatCents(cents)}${line.unit === "kg" ? " / kg" : ""}.`, "ok");
    render();
  };
  if (root.dataset.canSupervise || cart.overrideBadge) { apply(); return; }
  askBadge(`Nouveau prix pour « ${line.name} » : un·e encadrant·e doit scanner son badge.`, (badge) => {
    cart.overrideBadge = badge;
    cart.save();
    apply();
  });
}

async function readScale() {
  try {
    const reading = await call("GET", "/api/balance");
    pad = String(reading.grams / 1000).replace(".", ",");
    render();
    applyWeight();
  } catch (error) {
    say(error.message, "error");
  }
}

function applyWeight() {
  const product = weighing || null;
  const grams = parseKilograms(pad);
  if (!product) { applyQuantity(); return; }
  if (!grams || grams > 500000) { say("Tapez un poids en kg (ex. : 1,250).", "error"); return; }
  cart.add(product, grams);
  weighing = null;
  pad = "";
  say(`${product.name} : ${formatGrams(grams)}.`, "ok");
  render();
}

// ---- payment and validation -----------------------------------------------------------------
function openPayment() {
  if (!cart.lines.length) return;
  const reasons = cart.approvalsNeeded;
  if (reasons.length && !cart.overrideBadge) {
    askBadge(`${reasons.join(" ")} Un·e encadrant·e doit scanner son badge pour valider.`, (badge) => {
      cart.overrideBadge = badge;
      cart.save();
      say("Dépassement validé par un·e encadrant·e.", "ok");
      openPayment();
    });
    return;
  }
  $("#payment").hidden = false;
  $("#sale-panel").hidden = true;
  render();
}

function addPayment(method) {
  const typed = pad ? parseCents(pad) : cart.due;
  if (!typed) { say("Tapez le montant reçu.", "error"); return; }
  if (method !== "cash" && typed > cart.due) {
    say("La carte ou le chèque ne peut pas dépasser le reste à payer.", "error");
    return;
  }
  cart.payments.push({ method, amount: typed });
  cart.save();
  pad = "";
  render();
}

function pendingSales() {
  return JSON.parse(localStorage.getItem(PENDING_KEY) || "[]");
}

function savePending(list) {
  localStorage.setItem(PENDING_KEY, JSON.stringify(list));
}

async function submitSale(body) {
  // Retried with the same UUID until the server answers: the server records it once.
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call("POST", "/api/pos/sales", body);
    } catch (error) {
      if (error.status && error.status < 500) throw error;
      say("Connexion perdue : la vente sera envoyée dès que possible. Ne fermez pas la caisse.", "error");
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10000)));
    }
  }
}

async function validateSale(receiptRequested) {
  $("#receipt-question").hidden = true;
  const body = {
    uuid: crypto.randomUUID(), till: tillCode,
    items: cart.lines.filter((l) => l.itemNumber).map((l) => l.itemNumber),
    lines: cart.lines.filter((l) => !l.itemNumber).map((l) => ({ product_id: l.productId, quantity: l.quantity,
      ...(l.priceCents !== null ? { embedded_price_cents: l.priceCents } : {}),
      ...(l.manualUnitPriceCents != null ? { manual_unit_price_cents: l.manualUnitPriceCents,
        price_reason: "Prix changé à la caisse" } : {}) })),
    payments: cart.payments.map((p) => ({ method: p.method, amount_cents: p.amount })),
    expected_total_cents: cart.total, receipt_requested: receiptRequested,
    ...(cart.household ? { card_code: cart.household.card_code } : {}),
    ...(cart.overrideBadge ? { override_badge: cart.overrideBadge } : {}),
  };
  savePending([...pendingSales(), body]);
  $("#validate-button").disabled = true;
  say("Enregistrement de la vente…", "info");
  try {
    const result = await submitSale(body);
    savePending(pendingSales().filter((p) => p.uuid !== body.uuid));
    cart.clear();
    $("#payment").hidden = true;
    $("#sale-panel").hidden = false;
    say(`Vente enregistrée — ticket ${result.ticket}${result.change_cents ? ` — à rendre : ${formatCents(result.change_cents)}` : ""}`, "ok");
    $("#last-ticket").textContent = result.ticket;
    refreshPrinter();
  } catch (error) {
    savePending(pendingSales().filter((p) => p.uuid !== body.uuid));
    if (error.status === 409 && /badge/.test(error.message)) {
      askBadge(error.message, (badge) => { cart.overrideBadge = badge; cart.save(); validateSale(receiptRequested); });
    } else {
      say(error.message, "error");
    }
  }
  render();
}

function askReceipt() {
  $("#receipt-question").hidden = false;
}

function askBadge(message, then) {
  waitingForBadge = then;
  say(message, "error");
  $("#badge-entry").hidden = false;
  $("#badge-input").value = "";
}

// Sales the till could not send before a reload go out first.
async function flushPending() {
  for (const body of pendingSales()) {
    try {
      await submitSale(body);
      savePending(pendingSales().filter((p) => p.uuid !== body.uuid));
      say("Une vente en attente a été enregistrée.", "ok");
    } catch (error) {
      savePending(pendingSales().filter((p) => p.uuid !== body.uuid));
      say(`Vente en attente refusée : ${error.message}`, "error");
    }
  }
}

// ---- session: open, cash in/out, X report, close ----------------------------------------------
function countFrom(container) {
  const detail = {};
  container.querySelectorAll("input[data-denomination]").forEach((input) => {
    const count = Number(input.value || 0);
    if (count) detail[input.dataset.denomination] = count;
  });
  return detail;
}

function sumDetail(detail) {
  return Object.entries(detail).reduce((sum, [value, count]) => sum + Number(value) * count, 0);
}

async function refreshSession() {
  const state = await call("GET", `/api/pos/session?till=${encodeURIComponent(tillCode)}`);
  $("#open-panel").hidden = state.open;
  $("#stale-panel").hidden = !state.stale;
  $("#sale-area").hidden = !state.open || state.stale;
  if (state.stale) {
    $("#stale-date").textContent = new Date(state.business_date).toLocaleDateString("fr-FR");
    await showClose();
  }
  return state;
}

async function showClose() {
  const report = await call("GET", `/api/pos/session/x?till=${encodeURIComponent(tillCode)}`);
  $("#close-panel").hidden = false;
  $("#close-expected-cash").textContent = formatCents(report.expected.cash);
  $("#close-expected-card").textContent = formatCents(report.expected.card);
  $("#close-expected-cheque").textContent = formatCents(report.expected.cheque);
  const update = () => {
    const cash = sumDetail(countFrom($("#close-panel")));
    $("#close-counted-cash").textContent = formatCents(cash);
    const card = parseCents($("#close-card").value || "0") ?? 0;
    const cheque = parseCents($("#close-cheque").value || "0") ?? 0;
    const difference = cash + card + cheque - (report.expected.cash + report.expected.card + report.expected.cheque);
    $("#close-difference").textContent = formatCents(difference);
  };
  $("#close-panel").oninput = update;
  update();
}

async function closeSession(event) {
  event.preventDefault();
  const body = {
    till: tillCode,
    counted: { cash: sumDetail(countFrom($("#close-panel"))),
      card: parseCents($("#close-card").value || "0") ?? 0,
      cheque: parseCents($("#close-cheque").value || "0") ?? 0 },
    reason: $("#close-reason").value || null,
    approver_badge: $("#close-badge").value || null,
  };
  try {
    const result = await call("POST", "/api/pos/session/close", body);
    $("#close-panel").hidden = true;
    say(`Caisse clôturée. Écart : ${formatCents(result.difference_cents)}.`, "ok");
    await refreshSession();
  } catch (error) {
    say(error.message, "error");
  }
}

async function openSession(event) {
  event.preventDefault();
  try {
    await call("POST", "/api/pos/session/open", { till: tillCode, float_detail: countFrom($("#open-panel")) });
    say("Caisse ouverte. Bonnes ventes !", "ok");
    await refreshSession();
  } catch (error) {
    say(error.message, "error");
  }
}

async function cashMovement(direction) {
  const amount = parseCents(pad);
  const reason = $("#cash-reason").value.trim();
  if (!amount) { say("Tapez le montant sur le pavé.", "error"); return; }
  if (!reason) { say("Donnez le motif.", "error"); return; }
  try {
    await call("POST", "/api/pos/session/cash", { till: tillCode, amount_cents: direction * amount, reason });
    say(`${direction > 0 ? "Entrée" : "Sortie"} de ${formatCents(amount)} enregistrée.`, "ok");
    pad = "";
    $("#cash-reason").value = "";
    render();
  } catch (error) {
    say(error.message, "error");
  }
}

async function showXReport() {
  const report = await call("GET", `/api/pos/session/x?till=${encodeURIComponent(tillCode)}`);
  $("#x-report").hidden = false;
  $("#x-report-body").textContent = `${report.sales_count} vente(s), ${report.refunds_count} remboursement(s). Total ${formatCents(report.total_cents)}. Espèces ${formatCents(report.by_method.cash)}, carte ${formatCents(report.by_method.card)}, chèques ${formatCents(report.by_method.cheque)}. Fond ${formatCents(report.float_cents)}, entrées/sorties ${formatCents(report.cash_movements_cents)}. Attendu en caisse : ${formatCents(report.expected.cash)}.`;
}

// ---- refunds --------------------------------------------------------------------------------
async function loadTicket() {
  const reference = $("#refund-ticket").value.trim();
  try {
    const ticket = await call("GET", `/api/pos/tickets/${encodeURIComponent(reference)}`);
    const list = $("#refund-lines");
    list.replaceChildren();
    for (const line of ticket.lines) {
      const item = document.createElement("li");
      item.innerHTML = `<label><span></span> — encore remboursable : ${line.refundable}
        <input type="number" min="0" max="${line.refundable}" value="0" data-line="${line.line_id}" inputmode="numeric"></label>`;
      item.querySelector("span").textContent = line.label;
      item.querySelector("input").setAttribute("aria-label", `Quantité à rembourser : ${line.label}`);
      list.append(item);
    }
    $("#refund-form").hidden = false;
  } catch (error) {
    say(error.message, "error");
  }
}

async function submitRefund(event) {
  event.preventDefault();
  const lines = [...document.querySelectorAll("#refund-lines input")]
    .map((input) => ({ line_id: Number(input.dataset.line), quantity: Number(input.value) }))
    .filter((line) => line.quantity > 0);
  const body = { uuid: crypto.randomUUID(), till: tillCode, ticket: $("#refund-ticket").value.trim(),
    lines, restock: $("#refund-restock").checked, approver_badge: $("#refund-badge").value.trim() };
  try {
    const result = await call("POST", "/api/pos/refunds", body);
    say(`Remboursement ${result.ticket} : rendez ${formatCents(-result.total_cents)}.`, "ok");
    $("#refund").hidden = true;
  } catch (error) {
    say(error.message, "error");
  }
}

// ---- printer --------------------------------------------------------------------------------
const PRINTER_CLASSES = { ok: "badge-ok", offline: "badge-warn", failing: "badge-warn", none: "badge-off" };

async function refreshPrinter() {
  try {
    const state = await call("GET", `/api/pos/printer?till=${encodeURIComponent(tillCode)}`);
    const badge = $("#printer-state");
    badge.textContent = state.message;
    badge.className = `badge ${PRINTER_CLASSES[state.state]}`;
  } catch (error) {
    // the next poll will tell
  }
}

async function printerAction(url, done) {
  try {
    const result = await call("POST", url, { till: tillCode });
    say(done(result), "ok");
    refreshPrinter();
  } catch (error) {
    say(error.message, "error");
  }
}

// ---- serial scanner (plugged into the server) ----------------------------------------------
let lastSerialScan = null;

async function pollSerialScans() {
  try {
    const after = lastSerialScan ?? -1;
    const data = await call("GET", `/api/pos/scans?till=${encodeURIComponent(tillCode)}&after=${after}`);
    if (lastSerialScan === null) {
      lastSerialScan = data.last; // scans from before this page opened are not replayed
      return;
    }
    for (const scan of data.scans) {
      lastSerialScan = scan.id;
      await handleScan(scan.code);
    }
  } catch (error) {
    // the next poll will try again
  }
}

// ---- wiring ---------------------------------------------------------------------------------
function on(selector, event, handler) {
  const element = $(selector);
  if (element) element.addEventListener(event, handler);
}

document.querySelectorAll("[data-pad]").forEach((button) => {
  button.addEventListener("click", () => padKey(button.dataset.pad));
});
on("#quantity-button", "click", applyQuantity);
on("#weight-button", "click", applyWeight);
on("#scale-button", "click", readScale);
on("#price-button", "click", changePrice);
on("#remove-line", "click", () => { cart.remove(cart.selected); render(); });
on("#cancel-sale", "click", () => { cart.clear(); say("Vente annulée.", "info"); render(); });
on("#forget-household", "click", () => { cart.household = null; cart.overrideBadge = null; cart.payments = []; cart.save(); render(); });
on("#pay-button", "click", openPayment);
on("#back-to-sale", "click", () => { $("#payment").hidden = true; $("#sale-panel").hidden = false; });
document.querySelectorAll("[data-method]").forEach((button) => {
  button.addEventListener("click", () => addPayment(button.dataset.method));
});
on("#validate-button", "click", askReceipt);
on("#receipt-yes", "click", () => validateSale(true));
on("#receipt-no", "click", () => validateSale(false));
on("#open-form", "submit", openSession);
on("#close-form", "submit", closeSession);
on("#close-button", "click", showClose);
on("#x-button", "click", showXReport);
on("#x-close", "click", () => { $("#x-report").hidden = true; });
on("#cash-in", "click", () => cashMovement(1));
on("#cash-out", "click", () => cashMovement(-1));
on("#reprint-button", "click", () => printerAction("/api/pos/printer/reprint",
  (result) => `Duplicata du ticket ${result.ticket} envoyé à l'imprimante.`));
on("#drawer-button", "click", () => printerAction("/api/pos/printer/drawer",
  () => "Tiroir ouvert."));
on("#refund-button", "click", () => { $("#refund").hidden = false; $("#refund-ticket").focus(); });
on("#refund-load", "click", loadTicket);
on("#refund-form", "submit", submitRefund);
on("#refund-cancel", "click", () => { $("#refund").hidden = true; });
on("#manual-form", "submit", (event) => {
  event.preventDefault();
  const input = $("#manual-code");
  if (input.value.trim()) handleScan(input.value);
  input.value = "";
});
on("#badge-form", "submit", (event) => {
  event.preventDefault();
  const value = $("#badge-input").value.trim();
  $("#badge-entry").hidden = true;
  if (waitingForBadge && value) { const next = waitingForBadge; waitingForBadge = null; next(value); }
});
on("#open-panel", "input", () => {
  $("#open-total").textContent = formatCents(sumDetail(countFrom($("#open-panel"))));
});

installScanner({ target: $("#manual-code"), onScan: handleScan });

(async () => {
  render();
  await loadCatalogue();
  setInterval(loadCatalogue, 60000);
  refreshPrinter();
  setInterval(refreshPrinter, 5000);
  await pollSerialScans();
  setInterval(pollSerialScans, 700);
  const state = await refreshSession();
  if (state.open && !state.stale) await flushPending();
  root.dataset.ready = "true";
})();
