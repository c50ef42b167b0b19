// JSON calls to the server, with the CSRF token; errors carry the server's French message.
const csrf = document.querySelector('meta[name="csrf-token"]').content;

export class ApiError extends Error {
  constructor(message, status, details) {
    super(message);
    this.status = status;
    this.details = details || {};
  }
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
    });
  } catch (error) {
    throw new ApiError("Pas de connexion avec le serveur.", 0);
  }
  if (response.status === 304) return null;
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error) || `Erreur du serveur (${response.status}).`;
    throw new ApiError(message, response.status, data && data.details);
  }
  return data;
}
