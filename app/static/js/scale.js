// The serial scale (Toledo) plugged into the server: one reading, in grams. Used by the till
// and by every page with a "Lire la balance" button (page.js). Typing the weight always works.

export const SCALE_UNREACHABLE = "Balance injoignable : tapez le poids.";

export class ScaleError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

// Grams (an integer), or a ScaleError whose message says what to do (in French).
export async function readScaleGrams(fetcher = fetch) {
  let response;
  try {
    response = await fetcher("/api/balance", {
      credentials: "same-origin", headers: { Accept: "application/json" },
    });
  } catch (error) {
    throw new ScaleError(SCALE_UNREACHABLE, "network");
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok && Number.isInteger(body.grams) && body.grams >= 0) return body.grams;
  throw new ScaleError(body.message || SCALE_UNREACHABLE, body.code || "scale_unreachable");
}

// 1250 → "1,250" (kilograms as the till's pad and the forms take them).
export function kilogramsText(grams) {
  return `${Math.floor(grams / 1000)},${String(grams % 1000).padStart(3, "0")}`;
}
