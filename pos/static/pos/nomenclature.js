// The barcode nomenclature, read the same way as inventory/nomenclature.py: the first rule
// that matches wins; weight and price labels carry their value; check digits are verified.
const AZERTY = { "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7",
  "_": "8", "ç": "9", "à": "0" };

export function repairAzerty(text) {
  return [...String(text).trim()].map((c) => AZERTY[c] ?? c).join("");
}

export function checkDigit(payload) {
  let total = 0;
  [...payload].reverse().forEach((digit, index) => {
    total += Number(digit) * (index % 2 === 0 ? 3 : 1);
  });
  return (10 - (total % 10)) % 10;
}

function validGs1(code) {
  return checkDigit(code.slice(0, -1)) === Number(code.slice(-1));
}

function compile(rule) {
  const field = /\{(N*)(D*)\}/.exec(rule.pattern);
  const openEnded = rule.pattern.endsWith("*");
  const body = rule.pattern.replace(/\*$/, "");
  const expanded = body.replace(/\{(N*)(D*)\}/, (_, n, d) => ".".repeat(n.length + d.length));
  const source = [...expanded].map((c) => (c === "." ? "\\d" : c)).join("");
  return {
    kind: rule.kind,
    regex: new RegExp(`^${source}${openEnded ? ".*" : "\\d?"}$`),
    start: field ? field.index : null,
    integers: field ? field[1].length : 0,
    decimals: field ? field[2].length : 0,
  };
}

function scaled(value, decimals, target) {
  if (decimals <= target) return value * 10 ** (target - decimals);
  const factor = 10 ** (decimals - target);
  return Math.floor((value * 2 + factor) / (2 * factor));
}

export class Nomenclature {
  constructor(rules, products) {
    this.rules = rules.map(compile);
    this.byCode = new Map();
    for (const product of products) {
      for (const code of product.barcodes) this.byCode.set(code, product);
    }
  }

  // → {kind, code, product, quantity, priceCents} or {error}
  parse(scanned) {
    const code = repairAzerty(scanned);
    if (!code) return { error: "Code vide : scannez de nouveau." };
    if (/^\d+$/.test(code) && [8, 12, 13].includes(code.length) && !validGs1(code)) {
      return { error: `Code ${code} mal lu (chiffre de contrôle faux) : scannez de nouveau.` };
    }
    for (const rule of this.rules) {
      if (!rule.regex.test(code)) continue;
      if (rule.kind === "beneficiary_card" || rule.kind === "staff_badge") {
        return { kind: rule.kind, code };
      }
      if (rule.kind === "product") {
        const product = this.byCode.get(code);
        if (product) return { kind: "product", code, product, quantity: null };
        continue;
      }
      const width = rule.integers + rule.decimals;
      let base = code.slice(0, rule.start) + "0".repeat(width) + code.slice(rule.start + width);
      if ([8, 12, 13].includes(base.length)) {
        base = base.slice(0, -1) + checkDigit(base.slice(0, -1));
      }
      const product = this.byCode.get(base);
      if (!product) continue;
      const value = Number(code.slice(rule.start, rule.start + width));
      // The product's own code (value digits all zero): it still has to be weighed.
      if (value === 0) return { kind: "product", code, product, quantity: null };
      if (rule.kind === "weight") {
        return { kind: "weight", code, product, quantity: scaled(value, rule.decimals, 3) };
      }
      const cents = scaled(value, rule.decimals, 2);
      if (rule.kind === "price") {
        return { kind: "price", code, product, quantity: 1, priceCents: cents };
      }
      const grams = product.price_cents
        ? Math.floor((cents * 1000 * 2 + product.price_cents) / (2 * product.price_cents)) : 0;
      return { kind: "price_to_weight", code, product, quantity: grams, priceCents: cents };
    }
    return { error: `Code ${code} inconnu : ce produit n'est pas au catalogue.`, unknown: code };
  }
}
