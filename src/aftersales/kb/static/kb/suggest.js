// While a customer types a new case, ask the portal for matching articles (deflection).
(function () {
  "use strict";
  var form = document.getElementById("portal-case-new");
  var box = document.getElementById("kb-suggestions");
  if (!form || !box) return;
  var title = form.querySelector("[name=title]");
  var description = form.querySelector("[name=description]");
  var shown = form.querySelector("[name=kb_shown]");
  var timer = null;
  var last = "";
  function ask() {
    var q = ((title && title.value) || "") + " " + ((description && description.value) || "").slice(0, 80);
    q = q.trim().slice(0, 200);
    if (q === last || q.length < 2) return;
    last = q;
    fetch(box.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        box.innerHTML = html;
        if (html.trim() && shown) shown.value = "1";
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  }
  [title, description].forEach(function (field) {
    if (field) field.addEventListener("input", later);
  });
})();
