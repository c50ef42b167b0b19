// The till page: scan, weigh, identify a household, take payments, validate exactly once.
import { call, isRefusal } from "./api.js";
import { Cart } from "./cart.js";
import { formatCents, formatGrams, parseCents, parseKilograms } from "./money.js";
import { Nomenclature } from "./nomenclature.js";
import { Outbox } from "./outbox.js";
import { INCOMPLETE_MESSAGE, installScanner } from "../../../static/js/scanner.js";

const $ = (selector) => document.querySelector(selector);
const root = $("#till-app");
const tillCode = root.dataset.till;
const cart = new Cart(`caisse.cart.${tillCode}`);
// The payment methods' names come from the page (pos.models.PaymentMethod.label).
const METHOD_LABELS = Object.fromEntries(
  [...document.querySelectorAll("button[data-method]")].map((b) => [b.dataset.method, b.dataset.label]));
let nomenclature = null;
let catalogueTag = null;
let products = [];
let pad = "";
let weighing = null; // a product waiting for its weight
let justAdded = -1; // the line to scroll to and flash at the next render

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
  if ($("#sale-area").hidden && !approvalRequest) {
    say("La caisse n'est pas ouverte : comptez le fond de caisse et ouvrez-la d'abord.", "error");
    return;
  }
  if (!nomenclature) await loadCatalogue();
  const result = /^R\d{5}$/i.test(raw.trim()) ? { kind: "item" } : nomenclature.parse(raw);
  if (result.kind === "staff_badge") {
    if (approvalRequest) {
      $("#approval-badge").value = result.code;
      $("#approval-pin").focus();
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

async function identifyHousehold(code) {
  try {
    const household = await call("GET", `/api/caisse/carte/${encodeURIComponent(code)}`);
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
  if (line.code) { say("Le poids ou le prix vient de l'étiquette : scannez-en une autre.", "error"); return; }
  const quantity = line.unit === "kg" ? parseKilograms(pad) : (/^\d+$/.test(pad) ? Number(pad) : null);
  if (!quantity || quantity > 1000000) {
    say(line.unit === "kg" ? "Tapez un poids en kg (ex. : 1,250)." : "Tapez un nombre de pièces.", "error");
    return;
  }
  cart.setQuantity(cart.selected, quantity);
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
    const reading = await call("GET", "/api/balance");
    pad = `${Math.floor(reading.grams / 1000)},${String(reading.grams % 1000).padStart(3, "0")}`;
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

// ---- approvals: an encadrant·e's badge and PIN, exchanged for a single-use token ------------
let approvalRequest = null; // {action, subject, resolve}

// `subject` is exactly what the encadrant·e approves (a product and its price, a total, a
// ticket, an amount…): the server accepts the token for that and nothing else.
function askApproval(action, message, subject = null) {
  if (approvalRequest) approvalRequest.resolve(null);
  return new Promise((resolve) => {
    approvalRequest = { action, subject, resolve };
    say(message, "error");
    $("#approval-message").textContent = message;
    $("#approval-badge").value = "";
    $("#approval-pin").value = "";
    $("#approval-entry").hidden = false;
    $("#approval-badge").focus();
  });
}

function closeApproval(token) {
  const request = approvalRequest;
  approvalRequest = null;
  $("#approval-entry").hidden = true;
  if (request) request.resolve(token);
}

async function submitApproval(event) {
  event.preventDefault();
  if (!approvalRequest) return;
  const badge = $("#approval-badge").value.trim();
  const pin = $("#approval-pin").value.trim();
  if (!badge) { $("#approval-badge").focus(); return; }
  if (!pin) { $("#approval-pin").focus(); return; }
  const button = $("#approval-submit");
  if (button.disabled) return;
  button.disabled = true;
  try {
    const answer = await call("POST", "/api/pos/approvals", { till: tillCode,
      action: approvalRequest.action, badge, pin,
      ...(approvalRequest.subject ? { subject: approvalRequest.subject } : {}) });
    say(`Validé par ${answer.approver}.`, "ok");
    closeApproval(answer.token);
  } catch (error) {
    $("#approval-pin").value = "";
    $("#approval-message").textContent = error.message;
    report(error);
    if (error.status === 403) $("#approval-badge").select();
  } finally {
    button.disabled = false;
  }
}

// POST once; if the server answers that an encadrant·e must approve, ask and send it again with
// the token. Null when the validation window is cancelled.
async function callWithApproval(url, body, action) {
  try {
    return await call("POST", url, body);
  } catch (error) {
    if (error.code !== "approval_required") throw error;
    const token = await askApproval(action, error.message, error.details.subject);
    return token ? call("POST", url, { ...body, approval_token: token }) : null;
  }
}

// ---- payment and validation -----------------------------------------------------------------
async function openPayment() {
  if (!cart.lines.length || refuseWhileSending()) return;
  const reasons = cart.approvalsNeeded;
  if (reasons.length && !cart.approvalToken) {
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
      const priced = cart.lines.filter((l) => !l.itemNumber)[line - 1];
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
  }
}

function showRelogin(message) {
  $("#relogin-message").textContent = `${message} Le panier et la vente en attente restent sur cette caisse.`;
  const next = `/pos/till?till=${encodeURIComponent(tillCode)}`;
  $("#relogin-link").href = `/login/badge?next=${encodeURIComponent(next)}`;
  $("#relogin").hidden = false;
  say(message, "error");
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

function report(error) {
  if (error.code === "auth_required") showRelogin(error.message);
  else say(error.message, "error");
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
  const button = $("#close-submit");
  if (button.disabled) return;
  const body = {
    till: tillCode,
    counted: { cash: sumDetail(countFrom($("#close-panel"))),
      card: parseCents($("#close-card").value || "0") ?? 0,
      cheque: parseCents($("#close-cheque").value || "0") ?? 0 },
    reason: $("#close-reason").value || null,
  };
  button.disabled = true;
  try {
    const result = await callWithApproval("/api/pos/session/close", body, "close");
    if (!result) return;
    $("#close-panel").hidden = true;
    say(`Caisse clôturée. Écart : ${formatCents(result.difference_cents)}.`, "ok");
    await refreshSession();
  } catch (error) {
    report(error);
  } finally {
    button.disabled = false;
  }
}

async function openSession(event) {
  event.preventDefault();
  const button = $("#open-submit");
  if (button.disabled) return;
  button.disabled = true;
  try {
    await call("POST", "/api/pos/session/open", { till: tillCode, float_detail: countFrom($("#open-panel")) });
    say("Caisse ouverte. Bonnes ventes !", "ok");
    await refreshSession();
  } catch (error) {
    report(error);
    await refreshSession().catch(() => {});
  } finally {
    button.disabled = false;
  }
}

// One UUID per movement typed: a double tap or a resend after a lost answer counts once.
let cashInFlight = null;

async function cashMovement(direction) {
  const amount = parseCents(pad);
  const reason = $("#cash-reason").value.trim();
  if (!amount) { say("Tapez le montant sur le pavé.", "error"); return; }
  if (reason.length < 3) { say("Donnez le motif (ex. : « dépôt en banque »).", "error"); return; }
  const wanted = { amount_cents: direction * amount, reason };
  if (cashInFlight?.busy) return;
  if (!cashInFlight || cashInFlight.amount_cents !== wanted.amount_cents || cashInFlight.reason !== reason) {
    cashInFlight = { ...wanted, uuid: crypto.randomUUID() };
  }
  cashInFlight.busy = true;
  const body = { uuid: cashInFlight.uuid, till: tillCode, ...wanted };
  try {
    const answer = await callWithApproval("/api/pos/session/cash", body, "cash");
    if (!answer) return;
    say(`${direction > 0 ? "Entrée" : "Sortie"} de ${formatCents(amount)} enregistrée. Espèces attendues en caisse : ${formatCents(answer.expected_cash_cents)}.`, "ok");
    cashInFlight = null;
    pad = "";
    $("#cash-reason").value = "";
    render();
  } catch (error) {
    if (isRefusal(error)) cashInFlight = null;  // nothing recorded: a new try is a new movement
    report(error);
  } finally {
    if (cashInFlight) cashInFlight.busy = false;
  }
}

async function showXReport() {
  const report = await call("GET", `/api/pos/session/x?till=${encodeURIComponent(tillCode)}`);
  $("#x-report").hidden = false;
  $("#x-report-body").textContent = `${report.sales_count} vente(s), ${report.refunds_count} remboursement(s). Total ${formatCents(report.total_cents)}. Espèces ${formatCents(report.by_method.cash)}, carte ${formatCents(report.by_method.card)}, chèques ${formatCents(report.by_method.cheque)}. Fond ${formatCents(report.float_cents)}, entrées/sorties ${formatCents(report.cash_movements_cents)}. Attendu en caisse : ${formatCents(report.expected.cash)}.`;
}

// ---- refunds --------------------------------------------------------------------------------
let refundUuid = null; // one refund per ticket shown: a double tap or a resend counts once
let refundTicket = null; // the ticket as the server names it (what the encadrant·e approves)

async function loadTicket() {
  const reference = $("#refund-ticket").value.trim();
  try {
    const ticket = await call("GET", `/api/pos/tickets/${encodeURIComponent(reference)}`);
    refundUuid = crypto.randomUUID();
    refundTicket = ticket.ticket;
    const list = $("#refund-lines");
    list.replaceChildren();
    for (const line of ticket.lines) {
      const weighed = line.unit === "kg";  // typed and shown in kg, sent in grams
      const item = document.createElement("li");
      item.innerHTML = `<label><span></span> — encore remboursable : ${weighed ? formatGrams(line.refundable) : line.refundable}
        <input value="0" data-line="${line.line_id}" data-unit="${line.unit}" inputmode="${weighed ? "decimal" : "numeric"}" size="7"></label>`;
      item.querySelector("span").textContent = line.label;
      item.querySelector("input").setAttribute("aria-label",
        `${weighed ? "Poids à rembourser (kg)" : "Quantité à rembourser"} : ${line.label}`);
      list.append(item);
    }
    // How the money goes back: each way at most what the ticket was paid that way.
    const methods = $("#refund-methods");
    methods.replaceChildren();
    let first = true;
    for (const method of ["cash", "card", "cheque"]) {
      const left = ticket.refundable_by_method[method] ?? 0;
      const choice = document.createElement("label");
      choice.className = "checkbox";
      choice.innerHTML = `<input type="radio" name="refund-method" value="${method}"${left > 0 && first ? " checked" : ""}${left > 0 ? "" : " disabled"}> ${METHOD_LABELS[method]} (au plus ${formatCents(left)})`;
      if (left > 0) first = false;
      methods.append(choice);
    }
    $("#refund-form").hidden = false;
  } catch (error) {
    say(error.message, "error");
  }
}

async function submitRefund(event) {
  event.preventDefault();
  const button = $("#refund-submit");
  if (button.disabled || !refundUuid) return;
  const lines = [...document.querySelectorAll("#refund-lines input")]
    .map((input) => ({ line_id: Number(input.dataset.line),
      quantity: input.dataset.unit === "kg" ? (parseKilograms(input.value) ?? 0)
        : (/^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : 0) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
  if (!lines.length) { say("Choisissez au moins une ligne à rembourser.", "error"); return; }
  const method = document.querySelector("input[name=refund-method]:checked")?.value;
  if (!method) { say("Choisissez comment rendre l'argent.", "error"); return; }
  button.disabled = true;
  try {
    const token = await askApproval("refund", `Remboursement sur le ticket ${refundTicket} : un·e encadrant·e valide avec son badge et son code PIN.`,
      { ticket: refundTicket });
    if (!token) return;
    const body = { uuid: refundUuid, till: tillCode, ticket: refundTicket, method,
      lines, restock: $("#refund-restock").checked, approval_token: token };
    const result = await call("POST", "/api/pos/refunds", body);
    say(`Remboursement ${result.ticket} : rendez ${formatCents(-result.total_cents)} (${METHOD_LABELS[method].toLowerCase()}) — avoir imprimé.`, "ok");
    refreshPrinter();
    refundUuid = null;
    $("#refund").hidden = true;
    $("#refund-form").hidden = true;
  } catch (error) {
    report(error);
  } finally {
    button.disabled = false;
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
on("#open-form", "submit", openSession);
on("#close-form", "submit", closeSession);
on("#close-button", "click", showClose);
on("#x-button", "click", showXReport);
on("#x-close", "click", () => { $("#x-report").hidden = true; });
on("#products-button", "click", openProducts);
on("#products-close", "click", () => { $("#products-panel").hidden = true; });
on("#product-search", "input", searchProducts);
on("#x-print", "click", () => printerAction("/api/pos/session/x/print",
  () => "Rapport X envoyé à l'imprimante."));

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
on("#approval-form", "submit", submitApproval);
on("#approval-cancel", "click", () => { closeApproval(null); say("Validation annulée.", "info"); });
on("#open-panel", "input", () => {
  $("#open-total").textContent = formatCents(sumDetail(countFrom($("#open-panel"))));
});

// The counting pads (opening float, closing): keys fill the count the cashier last touched.
document.querySelectorAll("[data-count-pad]").forEach((keypad) => {
  const panel = keypad.closest("section");
  let field = null;
  panel.addEventListener("focusin", (event) => {
    if (event.target.matches("input[data-denomination]")) field = event.target;
  });
  keypad.addEventListener("click", (event) => {
    const key = event.target.closest("[data-count-key]")?.dataset.countKey;
    if (!key) return;
    field = field || panel.querySelector("input[data-denomination]");
    const value = field.value || "";
    if (key === "clear") field.value = "";
    else if (key === "back") field.value = value.slice(0, -1);
    else if (value.length < 5) field.value = value === "0" ? key : value + key;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
});

installScanner({
  target: $("#manual-code"),
  onScan: handleScan,
  onIncomplete: () => say(INCOMPLETE_MESSAGE, "error"),
});

(async () => {
  render();
  await loadCatalogue();
  setInterval(loadCatalogue, 60000);
  refreshPrinter();
  setInterval(refreshPrinter, 5000);
  await pollSerialScans();
  setInterval(pollSerialScans, 700);
  await refreshSession().catch(report);
  render();
  if (cart.frozen) sendPending();  // a sale validated before a reload goes first, once
  root.dataset.ready = "true";
})();
