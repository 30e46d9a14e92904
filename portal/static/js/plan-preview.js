// Live schedule preview on the plan form: progressive enhancement of the "Show the schedule"
// step, which works without this script. On each change, the form is posted to the JSON preview
// endpoint and the preview card is replaced; the review step, now stale, is hidden until the
// debtor asks for the schedule again.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  var target = document.getElementById("plan-preview");
  if (!form || !target || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.set("action", "preview");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (payload) {
        if (mine !== sequence || !payload || typeof payload.html !== "string") {
          return;
        }
        target.innerHTML = payload.html;
        target.hidden = !payload.ok;
      })
      .catch(function () {
        /* The server-rendered step still works: nothing to do. */
      });
  }

  function changed() {
    var review = document.getElementById("plan-review");
    if (review) {
      review.hidden = true;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
