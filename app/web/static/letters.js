// The letters page's one enhancement: every minute, the letters' states are read again
// from the page itself and put in place (the page works, and is right at each load,
// without it). Nodes come from our own escaped page, parsed inertly; no markup is built.
(function () {
  "use strict";

  var list = document.getElementById("your-letters");
  if (!list || !window.fetch || !window.DOMParser) return;
  var EVERY_MS = 60000;
  var note = document.querySelector(".refreshes");
  if (note) note.hidden = false;

  function refresh() {
    fetch(list.getAttribute("data-refresh"), { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var blocks = list.querySelectorAll("[data-state-of]");
        for (var i = 0; i < blocks.length; i++) {
          var id = blocks[i].getAttribute("data-state-of");
          var found = fresh.querySelector('[data-state-of="' + CSS.escape(id) + '"]');
          // Not while someone is about to press Stop in it.
          if (found && !blocks[i].contains(document.activeElement)) {
            blocks[i].replaceWith(document.importNode(found, true));
          }
        }
      })
      .catch(function () { /* the next round tries again */ });
  }

  setInterval(refresh, EVERY_MS);
})();
