// The dashboard's print button: shown only when this script runs, and it only
// calls the browser's print dialog (print or save as PDF). Without the script the
// page says to use the browser's Print command, which prints the same report.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.print-button")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
