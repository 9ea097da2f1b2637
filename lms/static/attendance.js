// Roster: one tap per person through fetch(), search as you type, walk-ins in place.
// Without JavaScript the same forms post normally, so nothing here is required.
(function () {
  "use strict";
  var roster = document.getElementById("roster");
  if (!roster) { return; }
  var message = document.getElementById("roster-message");

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function say(text, isError) {
    message.textContent = text;
    message.className = "small " + (isError ? "text-danger" : "text-success");
  }
  function setPressed(form, status) {
    form.querySelectorAll("button[data-status]").forEach(function (b) {
      var on = b.dataset.status === status;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.className = "btn btn-status " + (on ? "active-" + b.dataset.status : "btn-outline-secondary");
    });
  }
  function recount() {
    var counts = {};
    roster.querySelectorAll("button[aria-pressed=true]").forEach(function (b) {
      counts[b.dataset.status] = (counts[b.dataset.status] || 0) + 1;
    });
    document.querySelectorAll("[data-count]").forEach(function (el) {
      el.textContent = counts[el.dataset.count] || 0;
    });
  }
  function post(form, extra) {
    var data = new FormData(form);
    if (extra) { data.append(extra[0], extra[1]); }
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") || "" }
    });
  }

  // The note on a mark: saved in place; the server answers with the note as stored.
  roster.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("js-note")) { return; }
    event.preventDefault();
    post(form).then(function (response) {
      return response.json().then(function (body) { return [response.ok, body]; });
    }).then(function (result) {
      if (!result[0]) { throw new Error(result[1].message || "Error"); }
      form.elements.note.value = result[1].note;
      say(result[1].note ? "Nota guardada." : "Nota borrada.", false);
    }).catch(function (error) {
      say("No se guardó la nota: " + error.message, true);
    });
  });

  roster.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("js-mark")) { return; }
    event.preventDefault();
    var button = event.submitter;
    if (!button) { return; }
    var row = form.closest(".roster-row");
    var previous = form.querySelector("button[aria-pressed=true]");
    setPressed(form, button.value);
    row.classList.add("is-saving");
    post(form, ["status", button.value]).then(function (response) {
      return response.json().then(function (body) { return [response.ok, body]; });
    }).then(function (result) {
      row.classList.remove("is-saving");
      if (!result[0]) { throw new Error(result[1].message || "Error"); }
      recount();
    }).catch(function (error) {
      row.classList.remove("is-saving");
      setPressed(form, previous ? previous.dataset.status : null);
      say("No se guardó la marca: " + error.message + " Intente de nuevo.", true);
    });
  });

  var search = document.getElementById("roster-search");
  var empty = document.getElementById("roster-empty");
  var offer = document.getElementById("roster-offer");
  var offerButton = offer.querySelector("button");
  var prefilled = "";
  // Documents are typed with dots, dashes or spaces ("1.090.111-222"); stored without.
  function compact(text) { return text.replace(/[.\-\s]/g, ""); }
  // Like the server's looks_like_document: 3 to 20 letters and digits, at least one digit.
  function asDocument(text) {
    var doc = compact(text).toUpperCase();
    return /^[A-Z0-9]{3,20}$/.test(doc) && /[0-9]/.test(doc) ? doc : "";
  }
  function offerWalkIn(doc) {
    var field = walkin.elements.document_number;
    offer.hidden = !doc;
    if (!doc) { return; }
    // Prefill the walk-in form, unless the trainer already typed something else there.
    if (!field.value || field.value === prefilled) { field.value = doc; prefilled = doc; }
    offerButton.textContent = "Buscar el documento " + doc + " para inscribir a la persona";
  }
  function filter() {
    var q = fold(search.value.trim());
    var shown = 0;
    roster.querySelectorAll(".roster-row").forEach(function (li) {
      var text = fold(li.querySelector(".roster-name").textContent + " " +
                      li.querySelector(".roster-doc").textContent);
      var match = !q || text.indexOf(q) !== -1 || compact(text).indexOf(compact(q)) !== -1;
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    empty.hidden = shown > 0;
    offerWalkIn(shown ? "" : asDocument(q));
  }
  search.addEventListener("input", filter);
  search.form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
  offerButton.addEventListener("click", function () {
    walkin.elements.document_number.value = asDocument(search.value);
    walkin.scrollIntoView({ block: "start" });
    lookupButton.click();
    walkin.elements.document_number.focus();
  });

  // Walk-ins: look the document up first; ask for personal data only when it is new.
  var walkin = document.getElementById("walkin");
  var newPerson = document.getElementById("walkin-new");
  var lookupButton = document.getElementById("walkin-lookup");
  var walkinStatus = document.getElementById("walkin-status");
  var hasErrors = walkin.querySelector(".is-invalid, .alert-danger");
  newPerson.hidden = !(walkin.dataset.open || hasErrors);
  lookupButton.hidden = false;

  function clearErrors() {
    walkin.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    walkin.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid"); el.removeAttribute("aria-invalid");
    });
  }
  function showErrors(errors, formErrors) {
    Object.keys(errors).forEach(function (name) {
      var input = walkin.elements[name];
      if (!input || !input.id) { return; }
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", input.id + "-jserr");
      var div = document.createElement("div");
      div.id = input.id + "-jserr";
      div.className = "invalid-feedback d-block js-error";
      div.textContent = errors[name].join(" ");
      (input.closest(".form-check") || input).insertAdjacentElement("afterend", div);
    });
    walkinStatus.textContent = (formErrors || []).join(" ") ||
      "Revise los campos marcados.";
    walkinStatus.className = "mb-2 text-danger";
  }

  lookupButton.addEventListener("click", function () {
    clearErrors();
    // POST: a document number never travels in a URL (access logs keep URLs).
    var body = new FormData();
    ["csrf_token", "document_type", "document_number"].forEach(function (name) {
      body.append(name, walkin.elements[name].value);
    });
    fetch(walkin.dataset.lookup, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": body.get("csrf_token") }
    }).then(function (r) { return r.json(); }).then(function (info) {
      walkinStatus.className = "mb-2";
      if (info.state === "enrolled") {
        walkinStatus.textContent = "Esta persona ya está inscrita en este grupo: márquela en la lista.";
        newPerson.hidden = true;
        var row = document.getElementById("e" + info.enrollment_id);
        if (row) { row.hidden = false; row.scrollIntoView({ block: "center" }); }
      } else if (info.state === "registered") {
        walkinStatus.textContent = "Documento registrado. Pregunte a la persona su año de nacimiento y escríbalo para confirmar que es ella; luego se inscribirá y quedará presente.";
        newPerson.hidden = true;
        walkin.elements.birth_year.focus();
      } else if (info.state === "unknown") {
        walkinStatus.textContent = "Documento nuevo: registre sus datos y su autorización.";
        newPerson.hidden = false;
        walkin.elements.first_names.focus();
      } else {
        walkinStatus.textContent = info.message || "Documento no válido.";
        walkinStatus.className = "mb-2 text-danger";
      }
    });
  });

  walkin.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    post(walkin).then(function (response) {
      return response.json().then(function (body) { return [response.ok, body]; });
    }).then(function (result) {
      var body = result[1];
      if (!result[0]) {
        if (body.errors && Object.keys(body.errors).some(function (k) { return k !== "document_type" && k !== "document_number"; })) {
          newPerson.hidden = false;
        }
        showErrors(body.errors || {}, body.form_errors);
        return;
      }
      var existing = document.getElementById("e" + body.enrollment_id);
      var holder = document.createElement("ul");
      holder.innerHTML = body.html;
      var li = holder.firstElementChild;
      if (existing) { existing.replaceWith(li); } else { roster.appendChild(li); }
      walkin.reset();
      newPerson.hidden = true;
      walkinStatus.className = "mb-2 text-success";
      walkinStatus.textContent = "Se inscribió a " + body.name + " y se marcó presente.";
      empty.hidden = true;
      recount();
    }).catch(function () {
      walkinStatus.className = "mb-2 text-danger";
      walkinStatus.textContent = "No se pudo guardar. Revise la conexión e intente de nuevo.";
    });
  });
})();
