// The action page's enhancements; the page works without them. Supporter and campaign
// text is only ever set as textContent, never as markup.
(function () {
  "use strict";

  var POSTAL_CODE = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/;
  var FIELDS = ["first_name", "last_name", "email", "street_address", "city", "province",
    "postal_code", "subject", "intro", "concern", "ask", "district"];
  var NEEDED_FOR_PREVIEW = ["first_name", "last_name", "email", "street_address", "city",
    "province", "postal_code", "intro"];

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function compactPostalCode(value) {
    return value.replace(/\s+/g, "").toUpperCase();
  }

  function setError(name, message) {
    var error = document.getElementById(name + "-error");
    var input = document.getElementById(name);
    if (!error || !input) return;
    var field = input.closest(".field");
    error.textContent = message || "";
    error.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      if (field) field.classList.add("invalid");
    } else {
      input.removeAttribute("aria-invalid");
      if (field) field.classList.remove("invalid");
    }
  }

  function setWarnings(part, messages) {
    var box = document.getElementById(part + "-warnings");
    if (!box) return;
    box.replaceChildren();
    messages.forEach(function (message) { box.appendChild(element("p", "warning", message)); });
  }

  function enhanceForm(form) {
    var data = form.dataset;
    var targetsList = document.getElementById("targets");
    var districtField = document.getElementById("district-field");
    var districtSelect = document.getElementById("district");
    var chooser = document.getElementById("choose-district");
    var choices = document.getElementById("district-choices");
    var searchInput = document.getElementById("district_search");
    var searchStatus = document.getElementById("district-search-status");
    var offered = document.getElementById("district-offered");
    var postalInput = document.getElementById("postal_code");
    var previewBox = document.getElementById("preview-letters");
    var previewStatus = document.getElementById("preview-status");
    var liveErrors = document.getElementById("live-errors");
    var announcedRecipients = null;
    var lastLookup = null;
    var previewSeq = 0;
    // Errors the page came with stay until their field is changed: the preview cannot
    // know all of them (an email already used is found only when the letter is sent).
    var changed = {};

    function showTargets(answer) {
      targetsList.replaceChildren();
      answer.recipients.forEach(function (recipient) {
        var item = element("li");
        item.appendChild(element("strong", "", recipient.name));
        item.appendChild(document.createTextNode(", "));
        item.appendChild(element("span", "", recipient.office));
        targetsList.appendChild(item);
      });
      setWarnings("recipients", answer.warnings);
      if (answer.districts.length) {
        var chosen = districtSelect.value;
        districtSelect.replaceChildren(districtSelect.options[0]);
        answer.districts.forEach(function (name) {
          var option = element("option", "", name);
          if (name === chosen) option.selected = true;
          districtSelect.appendChild(option);
        });
        districtField.hidden = false;
        districtSelect.disabled = false;
      } else if (!districtSelect.value) {
        districtField.hidden = true;
        districtSelect.disabled = true;
      }
      showChooser(answer.choose_district);
    }

    // A postal code no table knows: the choice of riding by its name or its MP's.
    function showChooser(open) {
      if (chooser.hidden === !open) return;
      chooser.hidden = !open;
      offered.disabled = !open;
      if (!open) clearChoices();
    }

    function clearChoices() {
      choices.replaceChildren(choices.querySelector("legend"));
      choices.hidden = true;
    }

    function chosenDistrict() {
      var checked = choices.querySelector("input[name=district]:checked");
      if (checked) return checked.value;
      return districtSelect.disabled ? "" : districtSelect.value;
    }

    function showChoices(answer) {
      var chosen = chosenDistrict();
      clearChoices();
      answer.districts.forEach(function (district, index) {
        var row = element("div", "choice");
        var radio = element("input");
        radio.type = "radio";
        radio.name = "district";
        radio.id = "district-choice-" + (index + 1);
        radio.value = district.name;
        radio.checked = district.name === chosen;
        var label = element("label", "", district.label);
        label.htmlFor = radio.id;
        row.appendChild(radio);
        row.appendChild(label);
        choices.appendChild(row);
      });
      choices.hidden = answer.districts.length === 0;
      searchStatus.textContent = answer.districts.length ? data.districtsFound.replace(
        "{count}", String(answer.districts.length)) : data.noDistrict;
    }

    var lastSearch = null;
    function search() {
      var words = searchInput.value.trim();
      if (words.length < 2 || words === lastSearch) return;
      lastSearch = words;
      fetch(data.districtsUrl + "?lang=" + encodeURIComponent(data.lang) + "&q=" +
        encodeURIComponent(words), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer && words === lastSearch) showChoices(answer); })
        .catch(function () { lastSearch = null; });
    }

    function showPendingMP() {
      if (!data.mpPending || targetsList.querySelector(".pending")) return;
      targetsList.appendChild(element("li", "pending", data.mpPending));
    }

    var lastCode = compactPostalCode(postalInput.value);

    function lookUp() {
      var code = compactPostalCode(postalInput.value);
      if (code !== lastCode) {
        lastCode = code;
        districtSelect.value = ""; // a district chosen for another postal code
        var checked = choices.querySelector("input[name=district]:checked");
        if (checked) checked.checked = false;
      }
      var district = chosenDistrict();
      var key = code + "|" + district;
      if (!POSTAL_CODE.test(code) || key === lastLookup) return;
      lastLookup = key;
      var status = targetsList.querySelector(".pending");
      if (status) status.textContent = data.lookingUp;
      var url = data.targetsUrl + "?lang=" + encodeURIComponent(data.lang) +
        "&postal_code=" + encodeURIComponent(code);
      if (district) url += "&district=" + encodeURIComponent(district);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (answer && key === lastLookup) showTargets(answer);
          else if (!answer) showPendingMP();
        })
        .catch(function () { lastLookup = null; });
    }

    function formBody() {
      var body = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (name !== "intent") body.append(name, value);
      });
      return body;
    }

    function readyForPreview() {
      return NEEDED_FOR_PREVIEW.every(function (name) {
        var input = form.elements[name];
        return input && input.value.trim() !== "";
      });
    }

    function showLetters(letters) {
      previewBox.replaceChildren();
      letters.forEach(function (letter) {
        var article = element("article", "letter");
        // As service.page_recipient names them on the page without JavaScript.
        var office = letter.recipient.role ||
          (letter.recipient.district ? data.mpFor.replace("{district}", letter.recipient.district) : "") ||
          letter.recipient.elected_office || "";
        article.appendChild(element("h3", "", data.to + letter.recipient.display_name +
          (office ? ", " + office : "")));
        article.appendChild(element("pre", "letter-text", letter.body_text));
        article.appendChild(element("p", "own-words",
          data.ownWords.replace("{percent}", String(Math.round(letter.own_words_share * 100)))));
        previewBox.appendChild(article);
      });
      // Said politely, and only when whom the letters go to changes: not on every pause
      // in typing, which would talk over the supporter.
      var recipients = letters.map(function (letter) { return letter.recipient.display_name; })
        .join("\n");
      if (recipients !== announcedRecipients) {
        announcedRecipients = recipients;
        previewStatus.textContent = data.previewUpdated;
      }
    }

    function showPreviewErrors(errors) {
      var named = {};
      var fresh = [];
      errors.forEach(function (error) { named[error.field] = error.message; });
      FIELDS.forEach(function (name) {
        var input = form.elements[name];
        if (!input || !changed[name] || input.value.trim() === "") return; // no nagging yet
        var message = named[name] || "";
        var shown = document.getElementById(name + "-error");
        if (message && shown && shown.textContent !== message) fresh.push(message);
        setError(name, message);
      });
      // An error the preview adds is said once, when it appears; one still standing is
      // not said again at the next pause.
      if (fresh.length) liveErrors.textContent = fresh.join(" ");
    }

    function preview() {
      if (!readyForPreview()) return;
      var seq = ++previewSeq;
      fetch(data.previewUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: formBody(),
      })
        .then(function (response) {
          return response.json().then(function (answer) { return [response.status, answer]; });
        })
        .then(function (result) {
          if (seq !== previewSeq) return; // a later preview is on its way
          var status = result[0], answer = result[1];
          if (status === 200) {
            showPreviewErrors([]);
            showLetters(answer.letters);
            ["intro", "concern", "ask", "recipients"].forEach(function (part) {
              setWarnings(part, answer.warnings.filter(function (w) { return w.part === part; })
                .map(function (w) { return w.message; }));
            });
          } else if (status === 422 && answer.errors) {
            showPreviewErrors(answer.errors);
          }
        })
        .catch(function () { /* the preview is a help; the form still posts */ });
    }

    // "Did you mean …?" for an email domain one slip from a common one: a suggestion the
    // supporter may take with one press, or leave (the server then asks no more).
    var emailInput = document.getElementById("email");
    var suggestion = document.getElementById("email-suggestion");
    var useSuggestion = document.getElementById("use-suggestion");
    var emailChecked = document.getElementById("email_checked");
    var lastEmail = null;
    function showSuggestion(suggested) {
      var current = suggestion.textContent;
      var text = suggested ? suggestion.dataset.template.replace("{email}", suggested) : "";
      if (text !== current) {
        suggestion.replaceChildren();
        if (text) suggestion.appendChild(element("p", "", text));
      }
      useSuggestion.dataset.email = suggested || "";
      useSuggestion.hidden = !suggested;
      emailChecked.value = suggested ? emailInput.value : "";
    }
    function checkEmail() {
      var email = emailInput.value.trim();
      if (email === lastEmail) return;
      lastEmail = email;
      if (email.indexOf("@") < 1) { showSuggestion(null); return; }
      var body = new URLSearchParams();
      body.append("email", email);
      fetch(data.emailCheckUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: body,
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer && email === lastEmail) showSuggestion(answer.suggestion); })
        .catch(function () { lastEmail = null; });
    }
    useSuggestion.addEventListener("click", function () {
      emailInput.value = useSuggestion.dataset.email;
      showSuggestion(null);
      lastEmail = emailInput.value;
      changed.email = true;
      emailInput.focus();
      previewSoon();
    });
    if (useSuggestion.dataset.email) useSuggestion.hidden = false;
    emailInput.addEventListener("input", debounce(checkEmail, 500));
    emailInput.addEventListener("change", checkEmail);

    // The preview follows the form as it is typed: its button would only repeat it.
    var previewButton = document.getElementById("preview-button");
    if (previewButton) previewButton.remove();

    var lookUpSoon = debounce(lookUp, 300);
    var previewSoon = debounce(preview, 600);
    postalInput.addEventListener("input", lookUpSoon);
    districtSelect.addEventListener("change", lookUp);
    choices.addEventListener("change", lookUp);
    var searchSoon = debounce(search, 300);
    searchInput.addEventListener("input", searchSoon);
    searchInput.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault(); // Enter here finds, it does not send
      search();
    });
    var findButton = document.getElementById("find-district");
    findButton.type = "button"; // no longer the form's default button: Enter elsewhere sends
    findButton.addEventListener("click", function () { lastSearch = null; search(); });
    function onEdit(event) {
      if (event.target.name) changed[event.target.name] = true;
      previewSoon();
    }
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("submit", showSending);
    lookUp();
    preview();
  }

  // Send shows it is busy, and a second press while the first is on its way sends
  // nothing more. The button stays enabled: a disabled submitter is left out of the
  // form's data, and the server needs its intent.
  function showSending(event) {
    var button = event.submitter;
    if (!button || button.value !== "send") return;
    if (button.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    button.setAttribute("aria-busy", "true");
    button.setAttribute("aria-disabled", "true");
    button.dataset.label = button.textContent;
    if (button.dataset.busy) button.textContent = button.dataset.busy;
  }

  // Each limited field counts its characters as they are typed, in the page's words
  // (the template holds them). Not a live region: a count at every key would drown
  // the supporter's own typing; it is read with the field (aria-describedby).
  function formatNumber(value, lang) {
    var grouped = String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return lang === "fr" ? grouped.replace(/,/g, "\u202f") : grouped;
  }

  function enhanceCounts(form) {
    var lang = form.dataset.lang;
    document.querySelectorAll(".char-count").forEach(function (count) {
      var input = document.getElementById(count.id.replace(/-count$/, ""));
      if (!input) return;
      var max = Number(count.dataset.max);
      function update() {
        var length = Array.from(input.value).length;  // characters, as the server counts
        var over = length - max;
        count.classList.toggle("over", over > 0);
        count.textContent = (over > 0 ? count.dataset.over : count.dataset.counting)
          .replace("{count}", formatNumber(length, lang))
          .replace("{over}", formatNumber(over, lang));
      }
      input.addEventListener("input", update);
      update();
    });
  }

  function enhanceShare() {
    var button = document.getElementById("copy-link");
    var input = document.getElementById("share-link");
    if (!button || !input || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.dataset.copied;
      }, function () {
        input.select();
      });
    });
  }

  // An embedded page tells the page that frames it how tall it is, whenever that
  // changes, so that the partner's script (embed.js) can fit the frame to it. The
  // height says nothing private, so any host may read it.
  function tellHeight() {
    if (window.parent === window || !document.body.classList.contains("embedded")) return;
    var last = 0;
    function send() {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: "letterdesk:height", height: height }, "*");
    }
    if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
    window.addEventListener("load", send);
    send();
  }

  // The partner's script (embed.js) answers the height with its page's utm_* tags. The
  // browser itself names that page's origin (event.origin): the action records it as
  // the site that embedded the page, in place of the Referer the server read. Tags
  // already in the frame's own address (the snippet's) stay.
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];

  function setHidden(form, name, value, replace) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (input && !replace) return;
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function hearHost(form) {
    if (window.parent === window || !document.body.classList.contains("embedded")) return;
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source !== window.parent || !data || data.type !== "letterdesk:host") return;
      if (!/^https?:\/\/[^/]+$/.test(event.origin)) return;
      setHidden(form, "embedded_on", event.origin, true);
      var tags = data.utm || {};
      UTM.forEach(function (name) {
        if (typeof tags[name] === "string" && tags[name]) {
          setHidden(form, name, tags[name].slice(0, 100), false);
        }
      });
    });
  }

  // A page restored from the back/forward cache comes back as it was left: Send not busy.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("button[aria-busy]").forEach(function (button) {
      button.removeAttribute("aria-busy");
      button.removeAttribute("aria-disabled");
      if (button.dataset.label) button.textContent = button.dataset.label;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.action");
    if (form) {
      enhanceForm(form);
      enhanceCounts(form);
      hearHost(form);
    }
    enhanceShare();
    tellHeight();
    var summary = document.getElementById("error-summary");
    var thanks = document.getElementById("thanks-heading");
    if (summary) summary.focus();
    else if (thanks) thanks.focus();
  });
})();
