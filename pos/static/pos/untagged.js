// Untagged ressourcerie objects (books, dishes, clothes…) sold by category, at a till standing
// at a ressourcerie sales point: category → price (the category's grid, or typed) → weight
// (the scale, typed, or the category's standard weight) → one cart line. « Par lot »: a bag at
// one flat price, weighed as a whole. The server prices and weighs the line again from the
// category; the weight counts as reused in the tonnage.
import { formatCents, formatGrams, parseCents, parseKilograms } from "./money.js";
import { $, on, say } from "./ui.js";
import { readScaleGrams } from "caisse/scale.js";

const MAX_PRICE_CENTS = 1000000;
const MAX_GRAMS = 1000000;

// `categories()`: the catalogue's ressourcerie categories; `add(line)`: put the line in the
// cart (false while a sale is being sent).
export function installUntagged({ categories, add, refuseWhileSending }) {
  const panel = $("#untagged-panel");
  if (!panel) return;  // not a ressourcerie till
  let chosen = null;  // { category, gridEntry, priceCents, typed, lot }

  // Said on the panel itself (the till's message line is under it) and on the message line.
  function refuse(text) {
    $("#untagged-error").textContent = text;
    $("#untagged-error").hidden = false;
    say(text, "error");
  }

  function bigButton(text, handler) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = text;
    button.addEventListener("click", handler);
    item.append(button);
    return item;
  }

  function step(number) {
    const titles = {
      1: "1. Choisissez la catégorie de l'objet.",
      2: `2. « ${chosen?.category.name} » : choisissez le prix, ou tapez-le.`,
      3: `3. « ${chosen?.category.name} » à ${formatCents(chosen?.priceCents ?? 0)} : pesez l'objet${chosen?.lot ? " (le lot entier)" : ""}.`,
    };
    $("#untagged-step").textContent = titles[number];
    $("#untagged-categories").hidden = number !== 1;
    $("#untagged-price").hidden = number !== 2;
    $("#untagged-weight").hidden = number !== 3;
    $("#untagged-back").hidden = number === 1;
    $("#untagged-panel").dataset.step = String(number);
    $("#untagged-error").hidden = true;
  }

  function open() {
    if (refuseWhileSending()) return;
    const list = $("#untagged-categories");
    list.replaceChildren();
    const offered = categories();
    offered.forEach((category) => list.append(bigButton(category.name, () => chooseCategory(category))));
    if (!offered.length) say("Aucune catégorie de ressourcerie en service.", "error");
    chosen = null;
    step(1);
    panel.hidden = false;
  }

  function close() {
    panel.hidden = true;
    chosen = null;
  }

  function chooseCategory(category) {
    chosen = { category, gridEntry: null, priceCents: null, typed: false, lot: false };
    const grid = $("#untagged-grid");
    grid.replaceChildren();
    category.grid.forEach((entry, index) => {
      const text = `${entry.label ? `${entry.label} — ` : ""}${formatCents(entry.price_cents)}`;
      grid.append(bigButton(text, () => choosePrice(entry.price_cents, index, false)));
    });
    if (!category.grid.length && category.price_cents !== null) {
      grid.append(bigButton(`Prix conseillé — ${formatCents(category.price_cents)}`,
        () => choosePrice(category.price_cents, null, false)));
    }
    $("#untagged-lot").checked = false;
    $("#untagged-price-input").value = "";
    step(2);
  }

  function choosePrice(cents, gridEntry, typed) {
    chosen.priceCents = cents;
    chosen.gridEntry = gridEntry;
    chosen.typed = typed;
    chosen.lot = $("#untagged-lot").checked;
    const standard = chosen.category.standard_weight_grams;
    const button = $("#untagged-standard");
    button.hidden = !standard || chosen.lot;  // a lot is weighed
    if (standard) button.textContent = `Poids standard : ${formatGrams(standard)}`;
    $("#untagged-weight-input").value = "";
    step(3);
  }

  function typedPrice(event) {
    event.preventDefault();
    const cents = parseCents($("#untagged-price-input").value);
    if (cents === null || cents > MAX_PRICE_CENTS) {
      refuse("Tapez le prix en euros (ex. : 1,50).");
      return;
    }
    choosePrice(cents, null, true);
  }

  function finish(weighedGrams) {
    const { category, gridEntry, priceCents, typed, lot } = chosen;
    const entry = gridEntry === null ? null : category.grid[gridEntry];
    const name = `${category.name}${lot ? " (lot)" : ""}${entry?.label ? ` — ${entry.label}` : ""}`;
    const line = {
      untagged: { category_id: category.id, lot,
        ...(gridEntry !== null ? { grid_entry: gridEntry } : {}),
        ...(typed ? { price_cents: priceCents } : {}) },
      name, unit: "untagged", unitPriceCents: priceCents, quantity: 1, priceCents: null,
      perVisitLimit: null,
      weighedGrams,  // null: the category's standard weight, per object
      standardGrams: category.standard_weight_grams,
    };
    if (!add(line)) { refuseWhileSending(); return; }
    close();
    say(`${name} : ${formatCents(priceCents)}, ${formatGrams(weighedGrams ?? category.standard_weight_grams)} — ajouté.`, "ok");
  }

  function typedWeight(event) {
    event.preventDefault();
    const grams = parseKilograms($("#untagged-weight-input").value);
    if (!grams || grams > MAX_GRAMS) { refuse("Tapez le poids en kg (ex. : 0,450)."); return; }
    finish(grams);
  }

  async function fromScale() {
    try {
      const grams = await readScaleGrams();
      if (!grams || grams > MAX_GRAMS) {
        refuse("La balance ne montre pas de poids : posez l'objet, ou tapez le poids.");
        return;
      }
      finish(grams);
    } catch (error) {
      refuse(error.message);
    }
  }

  on("#untagged-button", "click", open);
  on("#untagged-close", "click", close);
  on("#untagged-back", "click", () => {
    if ($("#untagged-panel").dataset.step === "3") chooseCategory(chosen.category);
    else step(1);
  });
  on("#untagged-price-form", "submit", typedPrice);
  on("#untagged-weight-form", "submit", typedWeight);
  on("#untagged-scale", "click", fromScale);
  on("#untagged-standard", "click", () => finish(null));
}
