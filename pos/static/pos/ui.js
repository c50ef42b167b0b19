// What every part of the till page shares: its elements, its till, the message line, and what
// to do with an error (a session that ended asks for the badge again, nothing is lost).
export const $ = (selector) => document.querySelector(selector);
export const root = $("#till-app");
export const tillCode = root.dataset.till;
// The payment methods' names come from the page (pos.models.PaymentMethod.label).
export const METHOD_LABELS = Object.fromEntries(
  [...document.querySelectorAll("button[data-method]")].map((b) => [b.dataset.method, b.dataset.label]));

export function say(text, kind = "info") {
  const box = $("#till-message");
  box.textContent = text;
  box.className = `till-message till-message-${kind}`;
  box.hidden = !text;
}

export function showRelogin(message) {
  $("#relogin-message").textContent = `${message} Le panier et la vente en attente restent sur cette caisse.`;
  const next = `/pos/till?till=${encodeURIComponent(tillCode)}`;
  $("#relogin-link").href = `/login/badge?next=${encodeURIComponent(next)}`;
  $("#relogin").hidden = false;
  say(message, "error");
}

export function report(error) {
  if (error.code === "auth_required") showRelogin(error.message);
  else say(error.message, "error");
}

export function on(selector, event, handler) {
  const element = $(selector);
  if (element) element.addEventListener(event, handler);
}
