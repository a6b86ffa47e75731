// Module editor, progressive enhancement: "Line N" links in the problem list select that line
// in the editor, and the caret's line and column are shown under it. Works without this file.
(function () {
  "use strict";
  var source = document.getElementById("source");
  if (!source) { return; }
  var position = document.getElementById("cursor-position");

  function lineRange(number) {
    var lines = source.value.split("\n");
    var start = 0;
    for (var i = 0; i < number - 1 && i < lines.length; i += 1) { start += lines[i].length + 1; }
    return [start, start + (lines[number - 1] || "").length];
  }

  function goToLine(number) {
    var range = lineRange(number);
    source.focus();
    source.setSelectionRange(range[0], range[1]);
    var lineHeight = parseFloat(window.getComputedStyle(source).lineHeight) || 20;
    source.scrollTop = Math.max(0, (number - 3) * lineHeight);
    showPosition();
  }

  function showPosition() {
    if (!position) { return; }
    var before = source.value.slice(0, source.selectionStart);
    var line = before.split("\n").length;
    var column = before.length - before.lastIndexOf("\n");
    position.textContent = "Line " + line + ", column " + column;
  }

  Array.prototype.forEach.call(document.querySelectorAll("a.goto-line"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      goToLine(parseInt(link.getAttribute("data-line"), 10));
    });
  });
  ["keyup", "click", "focus"].forEach(function (name) { source.addEventListener(name, showPosition); });
}());
