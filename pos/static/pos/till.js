// The till page: scan, weigh, identify a household, take payments, validate exactly once.
// Its parts: ui.js (elements, messages), outbox.js (exactly-once sending), approval.js,
// session.js (open, cash, X, close), refund.js, devices.js (printer, serial scanner), and the
// site-wide scanner and scale modules (import map: "caisse/…" is /static/js/…).
import { call, isRefusal, setCsrf } from "./api.js";
import { approvalPending, askApproval, badgeForApproval } from "./approval.js";
import { Cart, isItemTag } from "./cart.js";
import { installDevices, refreshPrinter } from "./devices.js";
import { installExpected, refreshExpected } from "./expected.js";
import { formatCents, formatGrams, parseCents, parseKilograms } from "./money.js";
import { Nomenclature } from "./nomenclature.js";
import { OfflineStore, offlineBody, remainingOffline, sha256Hex, ticketText } from "./offline.js";
import { Outbox } from "./outbox.js";
import { installRefund } from "./refund.js";
import { installSession, refreshSession } from "./session.js";
import { installUntagged } from "./untagged.js";
import { $, METHOD_LABELS, on, report, root, say, showRelogin, tillCode } from "./ui.js";
import { kilogramsText, readScaleGrams } from "caisse/scale.js";
import { INCOMPLETE_MESSAGE, installScanner } from "caisse/scanner.js";

const cart = new Cart(`caisse.cart.${tillCode}`);
let nomenclature = null;
let catalogueTag = null;
let products = [];
let ressourcerie = [];  // categories for untagged objects (a till at a ressourcerie point)
let pad = "";
let weighing = null; // a product waiting for its weight
let justAdded = -1; // the line to scroll to and flash at the next render
const store = new OfflineStore(tillCode);
let offline = false; // the server does not answer: sales go to the outbox
let waiting = 0; // sales in the outbox
let dataAt = null; // when the offline data (cards, series) last came from the server
let probeTimer = null;
let syncing = false;

// ---- catalogue ------------------------------------------------------------------------------
async function loadCatalogue() {
  const response = await fetch("/api/pos/catalogue", {
    headers: catalogueTag ? { "If-None-Match": catalogueTag } : {}, credentials: "same-origin" });
  if (response.status === 304 || !response.ok) return;
  catalogueTag = response.headers.get("ETag");
  const data = await response.json();
  products = data.products;
  ressourcerie = data.ressourcerie || [];
  nomenclature = new Nomenclature(data.rules, products);
}

// ---- rendering ------------------------------------------------------------------------------
function quantityText(line) {
  if (line.untagged) return `${line.quantity} · ${formatGrams(cart.weightGrams(line))}`;
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
    if (index === justAdded) {
      row.classList.add("just-added");
      row.scrollIntoView({ block: "nearest" });
    }
  });
  justAdded = -1;
  $("#cart-empty").hidden = cart.lines.length > 0;
  const household = cart.household;
  const banner = $("#household");
  banner.hidden = !household;
  if (!household) {  // the next customer: no one's name, rate or allowance left in the page
    ["#household-name", "#household-status", "#household-rate", "#household-remaining"]
      .forEach((selector) => { $(selector).textContent = ""; });
  } else {
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
  $("#pay-button").disabled = cart.lines.length === 0 || cart.frozen;
  document.querySelectorAll("[data-edits-cart]").forEach((button) => {
    button.disabled = cart.frozen;
  });
  if (cart.frozen) {  // the sale being sent stays on screen, as it was validated
    $("#payment").hidden = false;
    $("#sale-panel").hidden = true;
  }
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
    remove.disabled = cart.frozen;
    remove.addEventListener("click", () => { cart.removePayment(index); render(); });
    item.append(remove);
    list.append(item);
  });
  $("#validate-button").disabled = cart.frozen || cart.due > 0 || cart.lines.length === 0;
  $("#back-to-sale").disabled = cart.frozen;
  document.querySelectorAll("[data-method]").forEach((button) => { button.disabled = cart.frozen; });
  $("#pending-panel").hidden = !cart.frozen;
  $("#abandon-button").hidden = !cart.frozen || outbox.failedAttempts === 0;
  if (cart.frozen) $("#receipt-question").hidden = true;
}

// ---- scanning -------------------------------------------------------------------------------
function refuseWhileSending() {
  if (!cart.frozen) return false;
  say("Une vente est en cours d'envoi : attendez sa confirmation avant de continuer.", "error");
  return true;
}

async function handleScan(raw) {
  if ($("#sale-area").hidden && !approvalPending()) {
    say("La caisse n'est pas ouverte : comptez le fond de caisse et ouvrez-la d'abord.", "error");
    return;
  }
  if (!nomenclature) await loadCatalogue();
  const result = isItemTag(raw) ? { kind: "item" } : nomenclature.parse(raw);
  if (result.kind === "staff_badge") {
    if (approvalPending()) {
      badgeForApproval(result.code);
    } else {
      say("Badge lu : il sert à valider (dépassement, prix, remboursement), avec le code PIN.", "info");
    }
    return;
  }
  if (refuseWhileSending()) return;
  if (result.kind === "item") {  // a ressourcerie tag: one unique object
    await addItem(raw.trim().toUpperCase());
    return;
  }
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
  if (!(await stockAllows(result.product, result.quantity || 0))) return;
  // A weighed or priced label: the server reads the code again, it never takes our figures.
  const label = ["weight", "price", "price_to_weight"].includes(result.kind) ? result.code : null;
  cart.add(result.product, result.quantity, result.priceCents ?? null, label);
  justAdded = cart.selected;
  say(`${result.product.name} ajouté.`, "ok");
  render();
}

// Refuse at the scan, not after payment: a product whose stock is past its date limit, or more
// of it than is still in date while expired units are on the books. Only products the catalogue
// flags are asked about (the others go straight to the cart); without an answer (network) the
// line is added: the server checks every line again when the sale is validated.
async function stockAllows(product, quantity) {
  if (!product.check_stock) return true;  // nothing past its date on the books (catalogue)
  let stock;
  try {
    stock = await call("GET", `/api/pos/stock/${product.id}`);
  } catch {
    return true;
  }
  const inCart = cart.lines.filter((l) => l.productId === product.id)
    .reduce((sum, l) => sum + l.quantity, 0);
  if (stock.expired <= 0 || inCart + quantity <= stock.sellable) return true;
  const amount = (q) => (product.unit === "kg" ? formatGrams(q) : `${q}`);
  say(stock.sellable > 0
    ? `« ${product.name} » : plus que ${amount(stock.sellable)} dans ses dates ; le reste a dépassé sa date limite. Vérifiez la date de l'article : s'il est périmé, ne le vendez pas.`
    : `« ${product.name} » : tout le stock a dépassé sa date limite. Ne le vendez pas : mettez l'article de côté pour un·e encadrant·e.`, "error");
  return false;
}

async function addItem(number) {
  try {
    const item = await call("GET", `/api/pos/objets/${encodeURIComponent(number)}`);
    if (!item.sellable) { say(item.message, "error"); return; }
    if (!cart.addItem(item)) { say(`L'objet ${number} est déjà dans le panier.`, "error"); return; }
    justAdded = cart.selected;
    say(`${item.label} ajouté — ticket imprimé avec la garantie.`, "ok");
  } catch (error) {
    report(error);
  }
  render();
}

// Offline: the card's answer as the till kept it, what it spent offline since deducted.
async function cachedCard(code) {
  const kept = await store.get("cards");
  const card = kept?.cards.find((c) => c.card_code === code);
  if (!card) {
    throw Object.assign(new Error("Hors ligne : carte inconnue de cette caisse. Servez au prix public, ou attendez le retour du serveur."), { code: "card_refused" });
  }
  const remaining = remainingOffline({ ...card, cachedAt: kept.cachedAt }, await store.outbox());
  return { ...card, remaining_this_month_cents: remaining,
    message: `${card.message} (hors ligne)` };
}

async function identifyHousehold(code) {
  try {
    const household = offline ? await cachedCard(code)
      : await call("GET", `/api/caisse/carte/${encodeURIComponent(code)}`);
    if (!cart.setHousehold(household)) { refuseWhileSending(); return; }
    say(`${household.display_name} : ${household.message}`, household.right_valid ? "ok" : "error");
  } catch (error) {
    report(error);
  }
  render();
}

// ---- goods without a barcode: quick keys by category, and the name search ----------------------
function fold(text) {  // as the server folds names: "Pâtes" and "pates" meet on "pates"
  return text.replace(/[œŒ]/g, "oe").replace(/[æÆ]/g, "ae").normalize("NFKD")
    .replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

function productButton(product) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button";
  button.textContent = `${product.name} — ${formatCents(product.price_cents)}${product.unit === "kg" ? " / kg" : ""}`;
  button.addEventListener("click", () => chooseProduct(product));
  item.append(button);
  return item;
}

function openProducts() {
  if (refuseWhileSending()) return;
  const keys = $("#quick-keys");
  keys.replaceChildren();
  const groups = new Map();
  products.filter((p) => p.quick_key).forEach((product) => {
    if (!groups.has(product.category)) groups.set(product.category, []);
    groups.get(product.category).push(product);
  });
  [...groups.keys()].sort((a, b) => a.localeCompare(b, "fr")).forEach((category) => {
    const title = document.createElement("h3");
    title.textContent = category;
    const grid = document.createElement("ul");
    grid.className = "quick-grid";
    groups.get(category).sort((a, b) => a.name.localeCompare(b.name, "fr"))
      .forEach((product) => grid.append(productButton(product)));
    keys.append(title, grid);
  });
  $("#product-search").value = "";
  $("#product-results").replaceChildren();
  $("#products-panel").hidden = false;
  $("#product-search").focus();
}

function searchProducts() {
  const wanted = fold($("#product-search").value);
  const results = $("#product-results");
  results.replaceChildren();
  if (wanted.length < 3) return;
  const found = products.filter((p) => p.search.includes(wanted)).slice(0, 12);
  found.forEach((product) => results.append(productButton(product)));
  if (!found.length) {
    const none = document.createElement("li");
    none.textContent = `Aucun produit pour « ${$("#product-search").value.trim()} ».`;
    results.append(none);
  }
}

async function chooseProduct(product) {
  $("#products-panel").hidden = true;
  if (refuseWhileSending()) return;
  if (product.unit === "kg") {  // weighed: the scale, or the weight typed on the pad
    weighing = product;
    pad = "";
    say(`Pesez « ${product.name} » : « Lire la balance », ou tapez le poids en kg puis « Poids ».`, "info");
    render();
    return;
  }
  if (!(await stockAllows(product, 1))) return;
  cart.add(product, 1);
  justAdded = cart.selected;
  say(`${product.name} ajouté.`, "ok");
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
  if (refuseWhileSending()) return;
  const line = cart.lines[cart.selected];
  if (!line) { say("Choisissez d'abord une ligne.", "error"); return; }
  if (line.itemNumber) { say("Un objet de la ressourcerie est unique : quantité 1.", "error"); return; }
  if (line.untagged?.lot) { say("Un lot compte pour un : changez son prix ou supprimez la ligne.", "error"); return; }
  if (line.code) { say("Le poids ou le prix vient de l'étiquette : scannez-en une autre.", "error"); return; }
  const quantity = line.unit === "kg" ? parseKilograms(pad) : (/^\d+$/.test(pad) ? Number(pad) : null);
  if (!quantity || quantity > 1000000) {
    say(line.unit === "kg" ? "Tapez un poids en kg (ex. : 1,250)." : "Tapez un nombre de pièces.", "error");
    return;
  }
  if (!cart.setQuantity(cart.selected, quantity)) { say("1 000 objets au plus sur une ligne.", "error"); return; }
  pad = "";
  render();
}

async function changePrice() {
  if (refuseWhileSending()) return;
  const index = cart.selected;
  const line = cart.lines[index];
  if (!line) { say("Choisissez d'abord une ligne.", "error"); return; }
  if (line.priceCents !== null || line.itemNumber || line.code) { say("Ce prix ne se change pas à la caisse (étiquette pesée ou objet de la ressourcerie).", "error"); return; }
  const cents = parseCents(pad);
  if (cents === null || cents > 10000000) {
    say(`Tapez le nouveau prix${line.unit === "kg" ? " au kg" : ""} (ex. : 0,50) puis « Changer le prix ».`, "error");
    return;
  }
  if (line.untagged) {  // the ressourcerie's price is the cashier's: typed, no approval
    if (cents > 1000000 || !cart.setUnitPrice(index, cents)) { say("Prix trop grand (10 000 € au plus).", "error"); return; }
    pad = "";
    say(`Prix de « ${line.name} » : ${formatCents(cents)}.`, "ok");
    render();
    return;
  }
  let token = null;  // approved for this product at this price, nothing else
  if (!root.dataset.canSupervise) {
    token = await askApproval("price", `« ${line.name} » à ${formatCents(cents)}${line.unit === "kg" ? " / kg" : ""} au lieu de ${formatCents(line.unitPriceCents)} : un·e encadrant·e valide avec son badge et son code PIN.`,
      { product_id: line.productId, unit_price_cents: cents });
    if (!token) return;
  }
  if (!cart.setUnitPrice(index, cents, token)) { refuseWhileSending(); return; }
  pad = "";
  say(`Prix de « ${line.name} » : ${formatCents(cents)}${line.unit === "kg" ? " / kg" : ""}.`, "ok");
  render();
}

async function readScale() {
  try {
    pad = kilogramsText(await readScaleGrams());
    render();
    applyWeight();
  } catch (error) {
    report(error);
  }
}

async function applyWeight() {
  if (refuseWhileSending()) return;
  const product = weighing || null;
  const grams = parseKilograms(pad);
  if (!product) { applyQuantity(); return; }
  if (!grams || grams > 500000) { say("Tapez un poids en kg (ex. : 1,250).", "error"); return; }
  if (!(await stockAllows(product, grams))) return;
  cart.add(product, grams);
  justAdded = cart.selected;
  weighing = null;
  pad = "";
  say(`${product.name} : ${formatGrams(grams)}.`, "ok");
  render();
}

// ---- payment and validation -----------------------------------------------------------------
async function openPayment() {
  if (!cart.lines.length || refuseWhileSending()) return;
  const reasons = cart.approvalsNeeded;
  if (reasons.length && offline) {  // no encadrant·e's token without the server: noted, flagged
    say(`${reasons.join(" ")} Hors ligne : la vente passe, elle sera signalée à un·e encadrant·e.`, "error");
  } else if (reasons.length && !cart.approvalToken) {
    const token = await askApproval("sale", `${reasons.join(" ")} Panier de ${formatCents(cart.total)} : un·e encadrant·e valide avec son badge et son code PIN.`,
      { total_cents: cart.total });
    if (!token) return;
    cart.setApproval(token);
    say("Dépassement validé par un·e encadrant·e.", "ok");
  }
  $("#payment").hidden = false;
  $("#sale-panel").hidden = true;
  render();
}

function backToCart() {
  if (refuseWhileSending()) return;
  $("#payment").hidden = true;
  $("#sale-panel").hidden = false;
  $("#receipt-question").hidden = true;
  render();
}

function addPayment(method) {
  if (refuseWhileSending()) return;
  const typed = pad ? parseCents(pad) : cart.due;
  if (!typed) { say("Tapez le montant reçu.", "error"); return; }
  if (method !== "cash" && typed > cart.due) {
    say("La carte ou le chèque ne peut pas dépasser le reste à payer.", "error");
    return;
  }
  cart.addPayment(method, typed);
  pad = "";
  render();
}

function askReceipt() {
  if (cart.frozen || cart.due > 0 || !cart.lines.length) return;
  $("#receipt-question").hidden = false;
  $("#receipt-yes").focus();
}

// The first "Valider" freezes the cart on one UUID; every later tap, reload or retry sends
// that same sale again until the server answers.
function validateSale(receiptRequested) {
  $("#receipt-question").hidden = true;
  if (offline && !cart.frozen) {
    sellOffline(receiptRequested).catch(report);
    return;
  }
  if (!cart.frozen) {
    if (cart.due > 0 || !cart.lines.length) return;
    cart.freeze(cart.saleBody(tillCode, receiptRequested));
  }
  render();
  sendPending();
}

// Exactly once (outbox.js): the pending sale goes again, same UUID, until the server answers.
const outbox = new Outbox({
  store: cart,
  send: (body) => call("POST", "/api/pos/sales", body),
  isRefusal,
  // A session that ended or a page that expired waits for a person: no retry until then.
  retryable: (error) => !["auth_required", "forbidden", "csrf_invalid"].includes(error.code),
  on: {
    acknowledged: (result) => { acknowledged(result); render(); },
    refused: async (error, body) => { await refused(error, body); render(); },
    pending: (error) => { stillPending(error); render(); },
  },
});

function sendPending() {
  if (!cart.pending) return;
  say("Enregistrement de la vente…", "info");
  render();
  outbox.flush();
}

function acknowledged(result) {
  weighing = null;
  $("#payment").hidden = true;
  $("#sale-panel").hidden = false;
  say(`Vente enregistrée — ticket ${result.ticket}${result.change_cents ? ` — à rendre : ${formatCents(result.change_cents)}` : ""}`, "ok");
  $("#last-ticket").textContent = result.ticket;
  refreshPrinter();
  refreshExpected();  // a card shown: « venu·e »
}

// The server read the sale and refused it: nothing was recorded, the cart can change again.
async function refused(error, body) {
  const { action, subject, line } = error.details;
  if (["approval_required", "approval_invalid", "approval_refused"].includes(error.code) && action) {
    // The server says what to have approved: ask for exactly that, then send the same sale
    // (same UUID) again with the token.
    render();
    const token = await askApproval(action, error.message, subject);
    if (!token) { say(error.message, "error"); return; }
    const again = structuredClone(body);
    if (action === "price" && again.lines[line - 1]) {
      again.lines[line - 1].approval_token = token;
      const priced = cart.productLines[line - 1];
      if (priced) priced.priceApproval = token;
    } else {
      again.approval_token = token;
      cart.approvalToken = token;
    }
    say("Enregistrement de la vente…", "info");
    outbox.submit(again);
    return;
  }
  if (error.code === "price_mismatch") {
    catalogueTag = null;
    await loadCatalogue();
  }
  say(error.message, "error");
}

// No answer we can trust: the sale stays frozen and goes again with the same UUID.
function stillPending(error) {
  if (error.code === "auth_required" || error.code === "forbidden") {
    showRelogin(error.message);
    return;
  }
  if (error.code === "csrf_invalid") {
    say("La page de caisse a expiré : rechargez-la (la vente en attente est gardée et sera envoyée).", "error");
    return;
  }
  if (error.code === "disk_full" || error.code === "database_read_only") {
    say(error.message, "error");  // it says why nothing can be recorded, and that the sale is kept
  } else if (error.code === "database_busy") {
    say("Serveur occupé : la vente est gardée et renvoyée dans un instant.", "info");
  } else {
    say("Connexion perdue : la vente est gardée et sera envoyée dès que possible. Ne fermez pas la caisse.", "error");
    checkServer();  // no server at all: the till goes on offline, the sale into the outbox
  }
}

// Only an encadrant·e can give up a sale that was never confirmed; the server logs it and
// will refuse that UUID for ever (or says it was in fact recorded).
async function abandonPending() {
  if (!cart.pending) return;
  const reason = window.prompt("Pourquoi abandonner cette vente ? (ex. : client parti)", "");
  if (!reason || reason.trim().length < 3) { say("Donnez la raison de l'abandon.", "error"); return; }
  const token = await askApproval("abandon", "Abandon de la vente : un·e encadrant·e valide avec son badge et son code PIN.",
    { sale_uuid: cart.pending.body.uuid });
  if (!token || !cart.pending) return;
  try {
    const answer = await call("POST", "/api/pos/sales/abandon",
      { uuid: cart.pending.body.uuid, till: tillCode, reason: reason.trim(), approval_token: token });
    if (!answer.abandoned && answer.sale) {  // it had been recorded after all
      outbox.abandoned();
      cart.clear();
      acknowledged(answer.sale);
    } else {
      outbox.abandoned();
      cart.setApproval(null);
      say("Vente abandonnée (enregistré). Le panier peut être modifié ou annulé.", "info");
    }
  } catch (error) {
    report(error);
  }
  render();
}

// ---- without the server ----------------------------------------------------------------------
const PROBE_MS = 5000;
const DATA_REFRESH_MS = 5 * 60000;

async function serverAnswers() {
  try {
    const response = await fetch("/healthz", { cache: "no-store", credentials: "same-origin" });
    await response.arrayBuffer();  // read to its end: the request is over
    return response.ok;
  } catch {
    return false;
  }
}

function renderOffline() {
  const banner = $("#offline-banner");
  const age = dataAt ? ` · données du ${new Date(dataAt).toLocaleString("fr-FR", { dateStyle: "short", timeStyle: "short" })}` : "";
  if (offline) {
    banner.textContent = `Hors ligne — ${waiting} vente${waiting > 1 ? "s" : ""} en attente${age}`;
  } else if (waiting) {
    banner.textContent = `Envoi des ventes faites hors ligne — ${waiting} en attente`;
  }
  banner.classList.toggle("syncing", !offline);
  banner.hidden = !offline && !waiting;
}

async function countWaiting() {
  waiting = (await store.outbox()).length;
  renderOffline();
}

// A network failure: is it the server that is gone? Then sell offline until it answers.
async function checkServer() {
  if (offline || (await serverAnswers())) return;
  offline = true;
  if (await keepPendingForLater()) {
    say("Serveur injoignable : la vente est gardée sur la caisse et sera envoyée à son retour (ticket imprimé alors). Continuez à vendre.", "error");
  } else {
    say("Serveur injoignable : la caisse continue hors ligne. Les ventes seront envoyées à son retour.", "error");
  }
  await countWaiting();
  render();
  clearTimeout(probeTimer);
  probeTimer = setTimeout(probe, PROBE_MS);
}

// A sale sent but never answered, when the server is gone: into the outbox (same UUID, no
// offline number: the server may have recorded it already, it answers with that one).
async function keepPendingForLater() {
  if (!cart.pending) return false;
  await store.enqueue(offlineBody(cart.pending.body, cart, { number: null, madeAt: cart.pending.since }));
  outbox.abandoned();
  cart.clear();
  $("#payment").hidden = true;
  $("#sale-panel").hidden = false;
  return true;
}

async function probe() {
  if (await serverAnswers()) {
    offline = false;
    renderOffline();
    await syncOutbox();
  }
  if (offline || waiting) probeTimer = setTimeout(probe, PROBE_MS);
}

// The sales made offline go out in the order they were made, each once (its UUID).
async function syncOutbox() {
  if (syncing) return;
  syncing = true;
  try {
    for (const entry of await store.outbox()) {
      let result;
      try {
        result = await call("POST", "/api/pos/sales", entry.body);
      } catch (error) {
        if (error.code === "csrf_invalid") await freshToken();
        if (error.code === "auth_required") showRelogin(error.message);
        if (isRefusal(error)) {  // never expected: kept aside, for an encadrant·e
          await store.put(`refused-${entry.body.uuid}`, { body: entry.body, message: error.message });
          await store.remove(entry.seq);
          say(`Vente hors ligne refusée par le serveur : ${error.message}`, "error");
          continue;
        }
        if (error.code === "network") offline = true;
        break;
      }
      await store.remove(entry.seq);
      $("#last-ticket").textContent = result.ticket;
      await countWaiting();
    }
  } finally {
    syncing = false;
    await countWaiting();
  }
  if (!offline && !waiting) {
    say("Serveur de retour : toutes les ventes faites hors ligne sont enregistrées.", "ok");
    await refreshOfflineData();
  }
}

async function freshToken() {
  try {
    const page = await fetch(`/pos/till?till=${encodeURIComponent(tillCode)}`, { cache: "no-store", credentials: "same-origin" });
    const token = /name="csrf-token" content="([^"]+)"/.exec(await page.text());
    if (token) setCsrf(token[1]);
  } catch {
    // the next round will try again
  }
}

// Online: what the till needs to sell without the server, kept.
async function refreshOfflineData() {
  if (offline) return;
  try {
    const state = await call("GET", `/api/pos/offline?till=${encodeURIComponent(tillCode)}`);
    const kept = await store.get("state");
    if (kept && (await store.outbox()).length) state.next_number = Math.max(state.next_number, kept.next_number);
    await store.put("state", state);
    const cards = await call("GET", "/api/caisse/cartes");
    dataAt = Date.now();
    await store.put("cards", { cards: cards.cards, cachedAt: dataAt });
    await store.put("contact", dataAt);
    root.dataset.offlineData = "ready";  // this till can now sell without the server
  } catch (error) {
    if (error.code === "network") checkServer();
  }
  renderOffline();
}

async function supervisorBadge(state) {
  const typed = window.prompt("Caisse hors ligne depuis trop longtemps : badge d'un·e encadrant·e (scanner ou taper) ?", "");
  if (!typed) return null;
  const digest = await sha256Hex(`caisse-hors-ligne:${typed.trim()}`);
  return state.supervisor_badges.includes(digest) ? typed.trim() : null;
}

// The customer pays and leaves: the sale is written to the outbox first, then shown as made.
async function sellOffline(receiptRequested) {
  if (cart.due > 0 || !cart.lines.length) return;
  const state = await store.get("state");
  if (!state) {
    say("Cette caisse n'a pas encore reçu ses données pour vendre hors ligne : attendez le retour du serveur.", "error");
    return;
  }
  let badge = null;
  const contact = (await store.get("contact")) || 0;
  if (Date.now() - contact > state.max_offline_hours * 3600000) {
    badge = await supervisorBadge(state);
    if (!badge) { say("Hors ligne depuis trop longtemps : un·e encadrant·e doit valider (badge).", "error"); return; }
  }
  const number = state.next_number;
  const madeAt = Date.now();
  const body = offlineBody(cart.saleBody(tillCode, receiptRequested), cart,
    { number, madeAt, approvedByBadge: badge });
  const printHere = state.browser_receipt && (receiptRequested || cart.payments.some((p) => p.method === "cash"));
  body.offline.printed = Boolean(state.browser_receipt && receiptRequested);
  if (printHere) fillReceipt(state, ticketText(state.series, number), madeAt);
  await store.enqueue(body);
  state.next_number = number + 1;
  await store.put("state", state);
  const change = cart.change;
  const ticket = ticketText(state.series, number);
  cart.clear();
  $("#payment").hidden = true;
  $("#sale-panel").hidden = false;
  $("#last-ticket").textContent = ticket;
  say(`Vente enregistrée sur la caisse (hors ligne) — ticket ${ticket}${change ? ` — à rendre : ${formatCents(change)}` : ""}. Le ticket s'imprimera au retour du serveur.`, "ok");
  await countWaiting();
  render();
  if (printHere) window.print();  // the till's own printer (its driver may open the drawer)
}

// The receipt of a sale made offline, for the browser to print (when the setting says so).
function fillReceipt(state, ticket, madeAt) {
  const box = $("#print-receipt");
  box.replaceChildren();
  const line = (tag, text) => { const el = document.createElement(tag); el.textContent = text; box.append(el); return el; };
  line("strong", state.shop_name);
  line("p", `Ticket ${ticket} — ${new Date(madeAt).toLocaleString("fr-FR")}`);
  const table = document.createElement("table");
  cart.lines.forEach((item) => {
    const row = table.insertRow();
    row.insertCell().textContent = `${item.name} × ${quantityText(item)}`;
    row.insertCell().textContent = formatCents(cart.amount(item));
  });
  box.append(table);
  line("p", `Total : ${formatCents(cart.total)}`);
  cart.payments.forEach((p) => line("p", `${METHOD_LABELS[p.method]} : ${formatCents(p.amount)}`));
  if (cart.change) line("p", `Rendu : ${formatCents(cart.change)}`);
  line("p", "Vente faite hors ligne : enregistrée au retour du serveur.");
}

// A session is closed on its whole takings: not while sales made offline wait to be sent.
$("#close-button").addEventListener("click", (event) => {
  if (!waiting && !offline) return;
  event.stopImmediatePropagation();
  say(offline ? "Hors ligne : la clôture se fait avec le serveur, à son retour."
    : `Clôture impossible : ${waiting} vente${waiting > 1 ? "s" : ""} faite${waiting > 1 ? "s" : ""} hors ligne en cours d'envoi. Attendez la fin de l'envoi.`, "error");
}, true);

// Logout: the households' answers and the kept pages leave this machine.
document.querySelectorAll("form[action$='/logout']").forEach((form) => {
  form.addEventListener("submit", () => {
    store.forgetPeople();
    navigator.serviceWorker?.controller?.postMessage("forget");
  });
});

// ---- wiring ---------------------------------------------------------------------------------

document.querySelectorAll("[data-pad]").forEach((button) => {
  button.addEventListener("click", () => padKey(button.dataset.pad));
});
on("#quantity-button", "click", applyQuantity);
on("#weight-button", "click", applyWeight);
on("#scale-button", "click", readScale);
on("#price-button", "click", changePrice);
on("#remove-line", "click", () => { if (!refuseWhileSending()) cart.remove(cart.selected); render(); });
on("#cancel-sale", "click", () => {
  if (refuseWhileSending()) return;
  cart.cancel();
  weighing = null;
  say("Vente annulée.", "info");
  render();
});
on("#forget-household", "click", () => { if (!refuseWhileSending()) cart.setHousehold(null); render(); });
on("#pay-button", "click", openPayment);
on("#back-to-sale", "click", backToCart);
on("#abandon-button", "click", abandonPending);
document.querySelectorAll("[data-method]").forEach((button) => {
  button.addEventListener("click", () => addPayment(button.dataset.method));
});
on("#validate-button", "click", askReceipt);
on("#receipt-yes", "click", () => validateSale(true));
on("#receipt-no", "click", () => validateSale(false));
on("#products-button", "click", openProducts);
on("#products-close", "click", () => { $("#products-panel").hidden = true; });
on("#product-search", "input", searchProducts);

// Keyboard shortcuts, shown on the buttons (<kbd>F2</kbd>…): the visible, usable button with
// that key is pressed. Several share a key when only one is on screen at a time (F2: Payer,
// then Valider, then Oui).
document.addEventListener("keydown", (event) => {
  if (!/^F\d{1,2}$|^Escape$/.test(event.key) || event.ctrlKey || event.altKey) return;
  const button = [...document.querySelectorAll(`#till-app [data-key="${event.key}"]`)]
    .find((candidate) => !candidate.disabled && candidate.offsetParent !== null);
  if (!button) return;
  event.preventDefault();
  button.click();
});
on("#manual-form", "submit", (event) => {
  event.preventDefault();
  const input = $("#manual-code");
  if (input.value.trim()) handleScan(input.value);
  input.value = "";
});

installSession({ read: () => pad, clear: () => { pad = ""; render(); } });
installRefund({ onPrinted: refreshPrinter });
installExpected();
installUntagged({
  categories: () => ressourcerie,
  add: (line) => {
    if (!cart.addUntagged(line)) return false;
    justAdded = cart.selected;
    render();
    return true;
  },
  refuseWhileSending,
});
installScanner({
  target: $("#manual-code"),
  onScan: handleScan,
  onIncomplete: () => say(INCOMPLETE_MESSAGE, "error"),
});

(async () => {
  render();
  navigator.serviceWorker?.register("/pos/sw.js", { scope: "/pos/" }).catch(() => {});
  dataAt = (await store.get("cards"))?.cachedAt ?? null;
  offline = !(await serverAnswers());
  await countWaiting();
  await loadCatalogue().catch(() => {});
  setInterval(() => loadCatalogue().catch(() => {}), 60000);
  await installDevices({ onScan: handleScan });
  await refreshSession().catch(report);
  render();
  if (offline) {
    await keepPendingForLater();
    await countWaiting();
    render();
    say("Serveur injoignable : la caisse vend hors ligne avec les données gardées.", "error");
    probeTimer = setTimeout(probe, PROBE_MS);
  } else {
    if (cart.frozen) sendPending();  // a sale validated before a reload goes first, once
    if (waiting) syncOutbox();
    refreshOfflineData();
    setInterval(refreshOfflineData, DATA_REFRESH_MS);
  }
  root.dataset.ready = "true";
})();
