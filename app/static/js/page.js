// What every staff page may need, without inline scripts (the Content-Security-Policy allows
// scripts from this site only):
// - a button with data-read-scale="#field" fills the field from the serial scale (Toledo) when
//   the site has one; data-scale-unit="g" writes grams, otherwise kilograms ("1,250"); the
//   message goes to [data-scale-message] next to the button. Typing always works.
// - a button with data-print prints the page.

function kilograms(grams) {
  return `${Math.floor(grams / 1000)},${String(grams % 1000).padStart(3, "0")}`;
}

async function readScale(button) {
  const message = button.parentElement.querySelector("[data-scale-message]") ||
    document.querySelector("[data-scale-message]");
  const field = document.querySelector(button.dataset.readScale);
  if (message) message.textContent = "Lecture de la balance…";
  const response = await fetch("/api/balance", {
    credentials: "same-origin", headers: { Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok && Number.isInteger(body.grams)) {
    const grams = button.dataset.scaleUnit === "g";
    field.value = grams ? String(body.grams) : kilograms(body.grams);
    if (message) {
      message.textContent = grams ? `${body.grams} g lus sur la balance.`
        : `${field.value} kg lus sur la balance.`;
    }
  } else if (message) {
    message.textContent = body.message || "Balance injoignable : tapez le poids.";
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
