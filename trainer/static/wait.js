// Waiting for a reading time, progressive enhancement: counts down "in N seconds" and enables
// the button when the server-rendered time has come. Without this file the page already says
// "at 14:32 UTC"; reloading then shows the enabled button. The server checks the time anyway.
(function () {
  "use strict";
  var notes = document.querySelectorAll("[data-available-at]");
  Array.prototype.forEach.call(notes, function (note) {
    var at = Date.parse(note.getAttribute("data-available-at"));
    var button = document.getElementById(note.getAttribute("data-enables"));
    var left = note.querySelector(".wait-left");
    if (isNaN(at) || !button || !left) { return; }
    function tick() {
      var seconds = Math.ceil((at - Date.now()) / 1000);
      if (seconds <= 0) {
        button.disabled = false;
        left.textContent = "now";
        return;
      }
      left.textContent = "in " + (seconds >= 120 ? Math.ceil(seconds / 60) + " minutes" :
        seconds + (seconds === 1 ? " second" : " seconds"));
      window.setTimeout(tick, 1000);
    }
    tick();
  });
}());
