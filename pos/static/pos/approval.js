// An encadrant·e's badge and PIN, exchanged for a single-use token (price typed by hand, limits
// passed, refund, cash movement, closing with a difference, abandoning a sale).
import { call } from "./api.js";
import { $, on, report, say, tillCode } from "./ui.js";

let approvalRequest = null; // {action, subject, resolve}

// `subject` is exactly what the encadrant·e approves (a product and its price, a total, a
// ticket, an amount…): the server accepts the token for that and nothing else.
export function askApproval(action, message, subject = null) {
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

// A staff badge scanned while the approval window is open fills its badge field.
export function approvalPending() {
  return approvalRequest !== null;
}

export function badgeForApproval(code) {
  $("#approval-badge").value = code;
  $("#approval-pin").focus();
}

export function closeApproval(token) {
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
export async function callWithApproval(url, body, action) {
  try {
    return await call("POST", url, body);
  } catch (error) {
    if (error.code !== "approval_required") throw error;
    const token = await askApproval(action, error.message, error.details.subject);
    return token ? call("POST", url, { ...body, approval_token: token }) : null;
  }
}

on("#approval-form", "submit", submitApproval);
on("#approval-cancel", "click", () => { closeApproval(null); say("Validation annulée.", "info"); });
