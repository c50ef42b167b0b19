// The devices the server drives for this till: its receipt printer (state, X report, duplicate,
// drawer) and a serial scanner plugged into the server.
import { call } from "./api.js";
import { on, say, tillCode, $ } from "./ui.js";

let scanned = async () => {};  // what a serial scan does (set by installDevices)

const PRINTER_CLASSES = { ok: "badge-ok", offline: "badge-warn", failing: "badge-warn", none: "badge-off" };

export async function refreshPrinter() {
  try {
    const state = await call("GET", `/api/pos/printer?till=${encodeURIComponent(tillCode)}`);
    const badge = $("#printer-state");
    badge.textContent = state.message;
    badge.className = `badge ${PRINTER_CLASSES[state.state]}`;
  } catch (error) {
    // the next poll will tell
  }
}

async function printerAction(url, done) {
  try {
    const result = await call("POST", url, { till: tillCode });
    say(done(result), "ok");
    refreshPrinter();
  } catch (error) {
    say(error.message, "error");
  }
}

// The serial scanner plugged into the server: its scans reach this page by polling.
let lastSerialScan = null;

async function pollSerialScans() {
  try {
    const after = lastSerialScan ?? -1;
    const data = await call("GET", `/api/pos/scans?till=${encodeURIComponent(tillCode)}&after=${after}`);
    if (lastSerialScan === null) {
      lastSerialScan = data.last; // scans from before this page opened are not replayed
      return;
    }
    for (const scan of data.scans) {
      lastSerialScan = scan.id;
      await scanned(scan.code);
    }
  } catch (error) {
    // the next poll will try again
  }
}

// `onScan`: what a code read by the serial scanner does (the same as a scan at the keyboard).
export async function installDevices({ onScan }) {
  scanned = onScan;
  on("#x-print", "click", () => printerAction("/api/pos/session/x/print",
    () => "Rapport X envoyé à l'imprimante."));
  on("#reprint-button", "click", () => printerAction("/api/pos/printer/reprint",
    (result) => `Duplicata du ticket ${result.ticket} envoyé à l'imprimante.`));
  on("#drawer-button", "click", () => printerAction("/api/pos/printer/drawer",
    () => "Tiroir ouvert."));
  refreshPrinter();
  setInterval(refreshPrinter, 5000);
  await pollSerialScans();
  setInterval(pollSerialScans, 700);
}
