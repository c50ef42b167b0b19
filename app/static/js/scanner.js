// Keyboard-wedge scanners type a code in a burst (keys < 30 ms apart) and press Enter. Wherever
// the focus is, such a burst is taken out of the field it fell into and handed to the page's
// scan field (`data-scan-target`), whose form is submitted. AZERTY-shifted digits
// (&é"'(-è_çà) are repaired by the server.
const BURST_GAP_MS = 30;
const MIN_LENGTH = 6;

export function installScanner({ onScan, target } = {}) {
  let buffer = "";
  let last = 0;
  document.addEventListener("keydown", (event) => {
    const now = performance.now();
    if (event.key === "Enter") {
      const code = buffer;
      const wasBurst = code.length >= MIN_LENGTH && now - last < 100;
      buffer = "";
      if (!wasBurst) return;
      const field = document.activeElement;
      // The scan field, and fields that take a scan themselves (a ticket, a badge), keep it.
      if (field === target || (field && field.hasAttribute("data-scan-own"))) return;
      event.preventDefault();
      if (field && "value" in field && field.value.endsWith(code)) {
        field.value = field.value.slice(0, -code.length);
      }
      onScan(code);
      return;
    }
    if (event.key.length !== 1) return;
    buffer = now - last < BURST_GAP_MS ? buffer + event.key : event.key;
    last = now;
  }, true);
  document.documentElement.dataset.scanner = "ready";
}

// Pages with a `[data-scan-target]` input get the behaviour without more code.
const scanField = document.querySelector("[data-scan-target]");
if (scanField) {
  installScanner({
    target: scanField,
    onScan(code) {
      scanField.value = code;
      scanField.form.requestSubmit();
    },
  });
}
