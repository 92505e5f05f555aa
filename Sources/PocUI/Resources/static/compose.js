// The compose form: with this script only the fields of the chosen type show
// (the text for a message or a notice, the template's fields for a request for
// information). Without it both show and the server uses the ones that apply.
// The server-side confirmation page for broadcasts is the rule; nothing here replaces it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("compose-form");
  if (!form) return;
  const update = () => {
    const checked = form.querySelector('input[name="type"]:checked');
    form.dataset.type = checked ? checked.value : "message";
  };
  form.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === "type") update();
  });
  update();
  // The names of the files chosen, beside the label that opens the file dialog.
  const input = document.getElementById("compose-attachments");
  const chosen = document.getElementById("attachments-chosen");
  if (input && chosen) {
    const show = () => {
      const names = Array.from(input.files || []).map((file) => file.name);
      chosen.textContent = names.length > 0 ? names.join(", ") : chosen.dataset.none;
    };
    input.addEventListener("change", show);
    chosen.hidden = false;
    show();
  }
});
