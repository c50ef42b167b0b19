// Keyboard-wedge scanners type a code in a burst and press Enter. Wherever the focus is, such a
// burst is taken out of the field it fell into and handed to the page's scan field
// (`data-scan-target`), whose form is submitted. AZERTY-shifted digits (&é"'(-è_çà) are
// repaired by the server. One key delivered late by a busy machine does not break a burst, and
// a person typing (slower) just before a scan is not mixed into it.
const FAST_MS = 30;
const PAUSE_MS = 150;
const MIN_LENGTH = 6;

// The end of what was typed that came at a scanner's pace, or "": keys less than 30 ms apart,
// allowing a late key (up to two) between fast ones, as a busy machine delivers them.
function burstAtEnd(keys, times) {
  let start = keys.length - 1;
  let lateKeys = 0;
  while (start > 0) {
    const gap = times[start] - times[start - 1];
    const before = start > 1 ? times[start - 1] - times[start - 2] : Infinity;
    if (gap < FAST_MS) {
      start -= 1;
    } else if (gap < PAUSE_MS && before < FAST_MS && lateKeys < 2) {
      lateKeys += 1;
      start -= 1;
    } else {
      break;
    }
  }
  const code = keys.slice(start).join("");
  return code.length >= MIN_LENGTH ? code : "";
}

export function installScanner({ onScan, target } = {}) {
  let keys = [];
  let times = [];
  document.addEventListener("keydown", (event) => {
    const now = performance.now();
    const last = times.length ? times[times.length - 1] : -Infinity;
    if (event.key === "Enter") {
      const code = now - last < PAUSE_MS ? burstAtEnd(keys, times) : "";
      keys = [];
      times = [];
      if (!code) return;
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
    if (now - last >= PAUSE_MS) {
      keys = [];
      times = [];
    }
    keys.push(event.key);
    times.push(now);
    if (keys.length > 64) {  // nobody scans more than this: keep the end
      keys = keys.slice(-64);
      times = times.slice(-64);
    }
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
