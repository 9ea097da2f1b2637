// LTI client-side postMessage storage (lti_storage_target): at login, store the state and
// nonce in the platform's frame, then go on to the platform; at launch, read them back and
// post the launch again. Without the platform's help the login goes on and the launch
// relies on the state cookie alone.
(function () {
  "use strict";
  var box = document.getElementById("lti-storage");
  if (!box) { return; }
  var data = box.dataset, origin = data.origin, seq = 0;
  var parentWin = window.parent !== window ? window.parent : window.opener;

  function named(name) {
    try { return parentWin && parentWin.frames[name]; } catch (e) { return null; }
  }
  var target = data.target === "_parent" ? parentWin : (named(data.target) || parentWin);

  function ask(win, message, targetOrigin) {
    return new Promise(function (resolve, reject) {
      var id = "lti-" + Date.now() + "-" + (seq += 1);
      var timer = setTimeout(function () { done(); reject(new Error("timeout")); }, 2000);
      function done() { clearTimeout(timer); window.removeEventListener("message", hear); }
      function hear(event) {
        var answer = event.data || {};
        if (event.origin !== origin || answer.message_id !== id ||
            answer.subject !== message.subject + ".response") { return; }
        done();
        if (answer.error) { reject(new Error(answer.error.code || "error")); }
        else { resolve(answer); }
      }
      window.addEventListener("message", hear);
      message.message_id = id;
      win.postMessage(message, targetOrigin);
    });
  }

  function storageFrame(subject) {
    if (!target) { return Promise.reject(new Error("no target")); }
    return ask(target, {subject: "lti.capabilities"}, "*").then(function (caps) {
      var entry = (caps.supported_messages || []).filter(function (m) {
        return m.subject === subject;
      })[0];
      if (!entry) { throw new Error("unsupported"); }
      return entry.frame ? (named(entry.frame) || target) : target;
    });
  }

  if (data.mode === "login") {
    storageFrame("lti.put_data").then(function (win) {
      return ask(win, {subject: "lti.put_data", key: "lti1p3_state_" + data.state,
                       value: data.state}, origin).then(function () {
        return ask(win, {subject: "lti.put_data", key: "lti1p3_nonce_" + data.nonce,
                         value: data.nonce}, origin);
      });
    }).catch(function () { return null; }).then(function () {
      window.location.assign(data.url);
    });
  } else {
    storageFrame("lti.get_data").then(function (win) {
      return ask(win, {subject: "lti.get_data", key: "lti1p3_state_" + data.state},
                 origin).then(function (state) {
        box.elements.lti_storage_state.value = state.value || "";
        return ask(win, {subject: "lti.get_data", key: "lti1p3_nonce_" + data.nonce}, origin);
      }).then(function (nonce) {
        box.elements.lti_storage_nonce.value = nonce.value || "";
      });
    }).catch(function () { return null; }).then(function () { box.submit(); });
  }
}());
