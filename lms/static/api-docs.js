// Start Swagger UI on /api/docs with this site's OpenAPI document (no inline script: CSP).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var hide = function () { return function () { return null; }; };
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    deepLinking: false,  // its links sit inside the summary buttons (nested-interactive)
    presets: [window.SwaggerUIBundle.presets.apis],
    // Buttons nested inside each operation's summary button are unreachable by keyboard and
    // screen readers (axe: nested-interactive); the global Authorize button stays.
    plugins: [function () {
      return { wrapComponents: { authorizeOperationBtn: hide, CopyToClipboardBtn: hide } };
    }],
    layout: "BaseLayout",
    onComplete: function () {
      var servers = document.getElementById("servers");
      if (servers) { servers.setAttribute("aria-label", "Servidor"); }
    },
  });
})();
