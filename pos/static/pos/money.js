// Integer cents, as on the server (app/money.py): rates rounded to the nearest cent, halves
// away from zero; weighed lines are price per kg × grams / 1000, rounded the same way.
const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const kilos = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 3 });

export function formatCents(cents) {
  return euros.format(cents / 100);
}

export function formatGrams(grams) {
  return `${kilos.format(grams / 1000)} kg`;
}

export function roundHalfAway(numerator, denominator) {
  const quotient = Math.floor(Math.abs(numerator) / denominator);
  const remainder = Math.abs(numerator) - quotient * denominator;
  const rounded = remainder * 2 >= denominator ? quotient + 1 : quotient;
  return numerator < 0 ? -rounded : rounded;
}

export function applyRate(cents, basisPoints) {
  return roundHalfAway(cents * basisPoints, 10000);
}

// "12,5" or "12.50" → 1250; null when it is not an amount.
export function parseCents(text) {
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(String(text).trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

// "1,25" (kg) → 1250 grams.
export function parseKilograms(text) {
  const match = /^(\d+)(?:[.,](\d{1,3}))?$/.exec(String(text).trim());
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] || "").padEnd(3, "0"));
}
