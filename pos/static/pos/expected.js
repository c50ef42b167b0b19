// « Attendus aujourd'hui »: the households with an appointment today (time, name, came or not)
// — nothing else of their file. The count on the button follows every minute.
import { call } from "./api.js";
import { $, on, tillCode } from "./ui.js";

const STATUS_TEXT = { booked: "attendu·e", came: "venu·e", no_show: "absent·e" };

export async function refreshExpected() {
  try {
    const answer = await call("GET", `/api/pos/appointments?till=${encodeURIComponent(tillCode)}`);
    const waiting = answer.visits.filter((visit) => visit.status === "booked").length;
    $("#expected-count").textContent = answer.visits.length ? `(${waiting} / ${answer.visits.length})` : "";
    const list = $("#expected-list");
    list.replaceChildren();
    for (const visit of answer.visits) {
      const item = document.createElement("li");
      item.textContent = `${visit.time} — ${visit.name} — ${STATUS_TEXT[visit.status] || visit.status}`;
      if (visit.status === "came") item.className = "expected-came";
      list.append(item);
    }
    if (!answer.visits.length) {
      const item = document.createElement("li");
      item.textContent = "Aucun rendez-vous aujourd'hui.";
      list.append(item);
    }
  } catch (error) {
    // the next refresh will tell
  }
}

export function installExpected() {
  on("#expected-button", "click", async () => {
    await refreshExpected();
    $("#expected").hidden = false;
  });
  on("#expected-close", "click", () => { $("#expected").hidden = true; });
  refreshExpected();
  setInterval(refreshExpected, 60000);
}
