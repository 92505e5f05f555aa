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
});
