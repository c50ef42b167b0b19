// JSON calls to the server, with the CSRF token. Every answer the till acts on is JSON: a
// refusal carries a stable `code` and a French `message`. Anything else (no network, a
// redirect, an HTML page, a 5xx) is an ApiError whose `code` says the sale may not be known.
let csrf = document.querySelector('meta[name="csrf-token"]').content;

// A page opened from the service worker's copy may carry an older token: the till takes a
// fresh one from the server when it is back.
export function setCsrf(token) {
  csrf = token;
}

export class ApiError extends Error {
  constructor(message, status, code, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

// Answers after which the server may or may not have recorded a request: keep it, send it
// again with the same UUID (the server records it once).
const UNSURE = new Set(["network", "bad_answer", "server_error", "database_busy", "unavailable",
  "auth_required", "csrf_invalid", "forbidden", "too_many_requests"]);

// The server read the request and refused it: nothing was recorded.
export function isRefusal(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500
    && !UNSURE.has(error.code);
}

export async function call(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf,
        Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      redirect: "manual",  // a redirect is never an answer of the API
    });
  } catch (error) {
    throw new ApiError("Pas de connexion avec le serveur.", 0, "network");
  }
  if (response.type === "opaqueredirect") {
    throw new ApiError("Votre session est terminée : badgez-vous de nouveau.", 401,
      "auth_required");
  }
  if (response.status === 304) return null;
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("application/json")) {
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
  }
  if (data === null || typeof data !== "object") {
    throw new ApiError(`Réponse illisible du serveur (${response.status}).`, response.status,
      "bad_answer");
  }
  if (!response.ok) {
    const code = typeof data.code === "string" ? data.code : "bad_answer";
    throw new ApiError(data.message || `Erreur du serveur (${response.status}).`,
      response.status, code, data.details);
  }
  return data;
}
