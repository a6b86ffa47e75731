// Copy buttons for secrets shown once, progressive enhancement: without this file the button
// stays hidden and the secret is selected by hand from its read-only field (which has the focus).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (!field) { return; }
    function say(text) { if (status) { status.textContent = text; } }
    function byHand() {  // no Clipboard API (plain http on another host) or it was refused
      field.focus();
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
      say(copied ? "Copied." : "Press Ctrl+C (⌘C on a Mac) to copy the selected text.");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied."); }, byHand);
      } else {
        byHand();
      }
    });
    if (document.activeElement === field) { field.select(); }
  });
}());
