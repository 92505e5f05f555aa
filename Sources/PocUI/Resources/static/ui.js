// POC Relay's local web interface: small progressive enhancements only. Every page
// works without this script (the CSP forbids inline script; this file is same-origin).
// The language picker keeps its Apply button: changing language on every arrow key
// would move a keyboard user off the page (WCAG 3.2.2).
"use strict";

document.documentElement.classList.add("scripted");
