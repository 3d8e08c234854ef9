// A print batch's page while its batch is being built: asks for the page again every few
// seconds, quietly, and reloads it once, when the batch is no longer building. (A timed
// refresh of the whole page would move a screen reader's place every time; without
// JavaScript the page offers a link that reloads it.)
(function () {
  "use strict";
  if (!document.querySelector("[data-building]")) return;
  var look = function () {
    fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (fresh.querySelector("[data-building]")) window.setTimeout(look, 3000);
        else window.location.reload();
      })
      .catch(function () { window.setTimeout(look, 10000); });
  };
  window.setTimeout(look, 3000);
})();
