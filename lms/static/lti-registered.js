// Dynamic Registration: tell the LMS the registration is over (it closes its dialog).
(function () {
  function close() {
    (window.opener || window.parent).postMessage({subject: "org.imsglobal.lti.close"}, "*");
  }
  document.getElementById("lti-close").addEventListener("click", close);
  close();
})();
