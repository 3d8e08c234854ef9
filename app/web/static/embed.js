// For a partner's page that frames a letterdesk action page: each embedded page tells
// its height (postMessage from page.js) and this script sets its iframe's height to it,
// so the form never scrolls inside the frame. Without this script the iframe keeps the
// height the snippet gives it, and scrolls inside. Loaded from the letterdesk service:
// only messages from that origin, from one of the page's own iframes, are heeded.
// Each message is answered (a frame's new page hears it too), to that origin only,
// with this page's utm_* tags (its address's query): the action records them, and this
// page's origin (which the browser gives the frame with the message) as the site that
// embedded it.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src, document.baseURI).origin : null;
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

  function tellTags(frame) {
    var query = new URLSearchParams(window.location.search);
    var tags = {};
    UTM.forEach(function (name) {
      if (query.get(name)) tags[name] = query.get(name);
    });
    frame.postMessage({ type: "letterdesk:host", utm: tags }, origin);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "letterdesk:height" || typeof data.height !== "number") return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        tellTags(event.source);
        var height = Math.max(200, Math.min(Math.ceil(data.height), 20000));
        frames[i].style.height = height + "px";
        return;
      }
    }
  });
})();
