// Refunds: a ticket's lines still refundable, the way the money goes back, an encadrant·e's
// approval; one UUID per ticket shown, so a double tap or a resend counts once.
import { call } from "./api.js";
import { askApproval } from "./approval.js";
import { formatCents, formatGrams, parseKilograms } from "./money.js";
import { $, METHOD_LABELS, on, report, say, tillCode } from "./ui.js";

let printed = () => {};  // tells the printer's badge to look again (set by installRefund)

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
    printed();
    refundUuid = null;
    $("#refund").hidden = true;
    $("#refund-form").hidden = true;
  } catch (error) {
    report(error);
  } finally {
    button.disabled = false;
  }
}

export function installRefund({ onPrinted }) {
  printed = onPrinted;
  on("#refund-button", "click", () => { $("#refund").hidden = false; $("#refund-ticket").focus(); });
  on("#refund-load", "click", loadTicket);
  on("#refund-form", "submit", submitRefund);
  on("#refund-cancel", "click", () => { $("#refund").hidden = true; });
}
