// What every staff page may need, without inline scripts (the Content-Security-Policy allows
// scripts from this site only):
// - a button with data-read-scale="#field" fills the field from the serial scale (Toledo) when
//   the site has one; data-scale-unit="g" writes grams, otherwise kilograms ("1,250"); the
//   message goes to [data-scale-message] next to the button. Typing always works.
// - a button with data-print prints the page.
import { kilogramsText, readScaleGrams } from "./scale.js";

async function readScale(button) {
  const message = button.parentElement.querySelector("[data-scale-message]") ||
    document.querySelector("[data-scale-message]");
  const field = document.querySelector(button.dataset.readScale);
  if (message) message.textContent = "Lecture de la balance…";
  try {
    const grams = await readScaleGrams();
    const inGrams = button.dataset.scaleUnit === "g";
    field.value = inGrams ? String(grams) : kilogramsText(grams);
    if (message) {
      message.textContent = inGrams ? `${grams} g lus sur la balance.`
        : `${field.value} kg lus sur la balance.`;
    }
  } catch (error) {
    if (message) message.textContent = error.message;
  }
}

document.addEventListener("click", (event) => {
  const scale = event.target.closest("[data-read-scale]");
  if (scale) {
    event.preventDefault();
    readScale(scale);
    return;
  }
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
