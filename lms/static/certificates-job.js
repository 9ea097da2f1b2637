// Batch issue progress: poll the job's JSON until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var labels = { queued: "en cola", running: "en curso", done: "terminado", failed: "falló" };
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-text");
  function tick() {
    fetch(box.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        bar.max = j.total || 1;
        bar.value = j.total ? j.done : (j.state === "done" ? 1 : 0);
        text.textContent = j.done + " / " + j.total + " · " + (labels[j.state] || j.state) +
          (j.error ? " · " + j.error : "");
        if (j.state === "done") {
          var files = document.getElementById("job-files");
          if (files) files.hidden = false;
        } else if (j.state !== "failed") setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
