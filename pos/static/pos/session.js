// The till's session: open with the float, cash in and out, the X report, close with the count.
import { call, isRefusal } from "./api.js";
import { callWithApproval } from "./approval.js";
import { formatCents, parseCents } from "./money.js";
import { $, on, report, say, tillCode } from "./ui.js";

// Where cash movements read their amount: the till's keypad (set by installSession).
let amountPad = { read: () => "", clear: () => {} };

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

export async function refreshSession() {
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

export async function showClose() {
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
  const amount = parseCents(amountPad.read());
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
    amountPad.clear();
    $("#cash-reason").value = "";
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

// `pad`: the amount typed on the till's keypad ({read, clear}).
export function installSession(pad) {
  amountPad = pad;
  on("#open-form", "submit", openSession);
  on("#close-form", "submit", closeSession);
  on("#close-button", "click", showClose);
  on("#x-button", "click", showXReport);
  on("#x-close", "click", () => { $("#x-report").hidden = true; });
  on("#cash-in", "click", () => cashMovement(1));
  on("#cash-out", "click", () => cashMovement(-1));
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
}
