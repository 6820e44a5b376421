// Campaign editor: add slot rows from the formset's empty form (no build step, no framework).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-slot]");
  if (!button) return;
  const total = document.getElementById("id_slots-TOTAL_FORMS");
  const index = Number(total.value);
  const html = document.getElementById("slot-template").innerHTML.replaceAll("__prefix__", String(index));
  const list = document.getElementById("slot-list");
  list.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const row = list.lastElementChild;
  if (window.htmx) window.htmx.process(row);
  row.querySelector("input[name$='-name']").focus();
});
