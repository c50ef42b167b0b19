// Badge + PIN login: a scan (or Enter) in the badge field moves on to the PIN, the keypad types
// into the field that has the focus (the PIN once a badge is there).
const form = document.getElementById("badge-form");
const badge = document.getElementById("badge");
const pin = document.getElementById("pin");
let target = badge.value ? pin : badge;

if (badge.value) pin.focus();

badge.addEventListener("focus", () => { target = badge; });
pin.addEventListener("focus", () => { target = pin; });

badge.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === "Tab") {
    event.preventDefault();
    if (badge.value.trim()) pin.focus();
  }
});

form.querySelectorAll(".key[data-key]").forEach((key) => {
  key.addEventListener("click", () => {
    const value = key.dataset.key;
    if (value === "clear") {
      target.value = "";
    } else if (target !== pin || pin.value.length < 6) {
      target.value += value;
    }
    if (target === badge && !badge.value) badge.focus();
    else target.focus();
  });
});
form.dataset.ready = "true";
