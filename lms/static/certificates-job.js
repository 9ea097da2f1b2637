// Batch issue progress: poll the job's JSON until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var labels = { queued: "en cola", running: "en curso", done: "terminado", failed: "falló" };
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-text");
  var meter = box.querySelector("[role=progressbar]");
  function tick() {
    fetch(box.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var pct = j.total ? Math.round((100 * j.done) / j.total) : (j.state === "done" ? 100 : 0);
        bar.style.width = pct + "%";
        meter.setAttribute("aria-valuemax", String(j.total || 1));
        meter.setAttribute("aria-valuenow", String(j.done));
        text.textContent = j.done + " / " + j.total + " · " + (labels[j.state] || j.state) +
          (j.error ? " · " + j.error : "");
        if (j.state !== "done" && j.state !== "failed") setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
