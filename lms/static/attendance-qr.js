// Rotating QR: fetch the next code when the current window ends (every 20 seconds).
(function () {
  "use strict";
  var screen = document.getElementById("qr-screen");
  if (!screen) { return; }
  var image = document.getElementById("qr-image");
  var code = document.getElementById("qr-code");
  var link = document.getElementById("qr-link");
  var countdown = document.getElementById("qr-countdown");
  var left = parseInt(countdown.textContent, 10) || 20;

  function refresh() {
    fetch(screen.dataset.source, { credentials: "same-origin", cache: "no-store",
                                   headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        image.innerHTML = data.svg;
        code.textContent = data.code;
        link.href = data.url;
        left = data.expires_in;
        countdown.textContent = left;
      })
      .catch(function () { left = 3; });
  }
  setInterval(function () {
    left -= 1;
    if (left <= 0) { refresh(); left = 20; }
    countdown.textContent = Math.max(left, 0);
  }, 1000);

  var full = document.getElementById("qr-fullscreen");
  if (document.documentElement.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () { screen.requestFullscreen(); });
  }
})();
