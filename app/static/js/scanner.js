// Keyboard-wedge scanners type a code in a burst and press Enter. Wherever the focus is, such a
// burst is taken out of the field it fell into and handed to the page (`onScan`), or to the
// page's scan field (`data-scan-target`), whose form is submitted. AZERTY-shifted digits
// (&é"'(-è_çà) are repaired by the server.
//
// Timing comes from the events' own timestamps (when the key was pressed, not when a busy page
// got round to it). A burst is the run of keys ending at Enter with no stall longer than
// STALL_MS; it is a scan when its mean gap is under the site's setting (50 ms by default:
// slow scanners and stalls of a busy browser pass, a person typing does not). A scanner's Enter
// never reaches a button: a burst that is too short or broken is refused aloud
// (`onIncomplete`: "scan incomplet, recommencez"), never silently lost nor "clicked".
const STALL_MS = 160;
const MIN_LENGTH = 6;
const DEFAULT_MEAN_GAP_MS = 50;
const MIN_RUN = 3;  // keys at a scanner's pace before an Enter counts as a scanner's
const PASSWORD_SCAN_LENGTH = 8;
const ALMOST = 2.5;  // up to 2.5 × the mean gap: a held-up scanner, not a person

// The run of keys ending at the last one with no stall longer than STALL_MS.
export function burstAtEnd(keys, times) {
  let start = keys.length - 1;
  while (start > 0 && times[start] - times[start - 1] <= STALL_MS) start -= 1;
  const run = keys.slice(start);
  const span = times[times.length - 1] - times[start];
  return { code: run.join(""), meanGap: run.length > 1 ? span / (run.length - 1) : Infinity };
}

function meanGapSetting() {
  const holder = document.querySelector("[data-scan-gap-ms]");
  const value = holder ? Number(holder.dataset.scanGapMs) : NaN;
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MEAN_GAP_MS;
}

function isTextField(element) {
  if (!element) return false;
  if (element.tagName === "TEXTAREA") return true;
  return element.tagName === "INPUT" &&
    !["button", "submit", "reset", "checkbox", "radio", "image"].includes(element.type);
}

export function installScanner({ onScan, onIncomplete, target } = {}) {
  let keys = [];
  let times = [];
  const maxMeanGap = meanGapSetting();
  const refuse = (event) => {  // never presses the focused button; says so aloud
    event.preventDefault();
    event.stopPropagation();
    if (onIncomplete) onIncomplete();
  };
  document.addEventListener("keydown", (event) => {
    const now = event.timeStamp;
    const last = times.length ? times[times.length - 1] : -Infinity;
    if (event.key === "Enter") {
      const burst = now - last <= STALL_MS && keys.length ? burstAtEnd(keys, times)
        : { code: "", meanGap: Infinity };
      keys = [];
      times = [];
      const field = document.activeElement;
      const textField = isTextField(field);
      // A PIN typed quickly (or by a password manager) in a password field is not a scan; a
      // badge scanned into it (13 digits) still is.
      if (field && field.type === "password" && burst.code.length < PASSWORD_SCAN_LENGTH) return;
      const fast = burst.code.length >= MIN_RUN;
      if (!fast || burst.meanGap >= maxMeanGap) {
        // Too slow for a scanner, yet too fast for a person choosing a button: a scanner held
        // up by a busy machine. Its Enter must not press the button that has the focus.
        if (fast && !textField && burst.meanGap < maxMeanGap * ALMOST) refuse(event);
        return;  // otherwise a person pressing Enter: the page does what it does
      }
      const ownsScans = field === target || (field && field.hasAttribute("data-scan-own"));
      if (ownsScans) {
        // The field itself received every key: what it holds is the scan.
        if ((field.value || "").trim().length < MIN_LENGTH) refuse(event);
        return;
      }
      if (textField && field.value.endsWith(burst.code)) {
        field.value = field.value.slice(0, -burst.code.length);
      }
      if (burst.code.length < MIN_LENGTH) {
        refuse(event);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      onScan(burst.code);
      return;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.altKey || event.metaKey) return;
    if (now - last > STALL_MS) {
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

export const INCOMPLETE_MESSAGE = "Scan incomplet : recommencez le scan.";

// Pages with a `[data-scan-target]` input get the behaviour without more code.
const scanField = document.querySelector("[data-scan-target]");
if (scanField) {
  let status = null;  // created when there is something to say
  installScanner({
    target: scanField,
    onScan(code) {
      if (status) status.remove();
      status = null;
      scanField.value = code;
      scanField.form.requestSubmit();
    },
    onIncomplete() {
      if (!status) {
        status = document.createElement("p");
        status.className = "message message-error scan-status";
        status.setAttribute("role", "alert");
        scanField.insertAdjacentElement("afterend", status);
      }
      status.textContent = INCOMPLETE_MESSAGE;
      scanField.focus();
    },
  });
}
