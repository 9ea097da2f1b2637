// A walk-in registered offline: checked here for what the phone can know (required
// fields, consent, a guardian for minors), queued, and registered on sync with the same
// rules as online. A document already on the roster is just marked present.
import { documentKey } from "./roster.js";

const REQUIRED = ["document_number", "first_names", "last_names", "birth_date", "sex", "zone"];
const FIELDS = [...REQUIRED, "document_type", "guardian_name", "guardian_document"];
const ADULT_AGE = 18;

function ageOn(birth, day) {
  const [by, bm, bd] = birth.split("-").map(Number);
  const [y, m, d] = day.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Wire the walk-in form of the session page; returns { edit(item) } for refused ones. */
export function walkInForm({ store, state, device, userId, sessionId, say, render, soon, enqueueMark }) {
  const form = document.getElementById("walk-in-form");
  const field = (name) => form.elements[name];
  let editing = null;

  const session = () => state.bundle?.sessions.find((s) => s.id === sessionId);
  const isMinor = () => {
    const birth = field("birth_date").value;
    return Boolean(birth && session()) && ageOn(birth, session().date) < ADULT_AGE;
  };
  const toggleGuardian = () => { document.getElementById("w-guardian").hidden = !isMinor(); };

  function showErrors(errors) {
    for (const name of [...FIELDS, "consent"]) {
      const input = field(name);
      input.classList.toggle("is-invalid", Boolean(errors[name]));
      if (errors[name]) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    const text = Object.values(errors).flat().join(" ");
    document.getElementById("walk-in-errors").textContent = text;
    const first = Object.keys(errors).find((name) => field(name));
    if (first) field(first).focus();
  }

  function check() {
    const errors = {};
    for (const name of REQUIRED) {
      if (!field(name).value.trim()) errors[name] = [`${field(name).labels[0].textContent}: este campo es obligatorio para registrar a la persona.`];
    }
    if (!field("consent").checked) errors.consent = ["Se requiere la autorización de la persona para tratar sus datos (Ley 1581)."];
    if (isMinor()) {
      for (const name of ["guardian_name", "guardian_document"]) {
        if (!field(name).value.trim()) errors[name] = [`${field(name).labels[0].textContent}: obligatorio para menores de edad.`];
      }
    }
    return errors;
  }

  async function submit(event) {
    event.preventDefault();
    const errors = check();
    showErrors(errors);
    if (Object.keys(errors).length) return;
    const person = Object.fromEntries(REQUIRED.concat("document_type").map((n) => [n, field(n).value.trim()]));
    const key = documentKey(person.document_type, person.document_number);
    const already = state.rows.find((r) => documentKey(...r.document.split(" ")) === key);
    if (already && !editing) {
      if (already.status !== "presente") await enqueueMark(already, "presente");
      say(`${already.name} ya estaba en la lista: quedó presente.`);
    } else {
      const item = { mark_id: editing ? editing.mark_id : crypto.randomUUID(), device_id: device, user_id: userId,
        kind: "walk_in", session_id: sessionId, status: "presente", made_at: editing ? editing.made_at : new Date().toISOString(),
        person, consent: true, notice_version: state.bundle.notice.version,
        guardian_name: isMinor() ? field("guardian_name").value.trim() : "",
        guardian_document: isMinor() ? field("guardian_document").value.trim() : "" };
      if (editing) await store.put(editing.key, item);
      else await store.enqueue(item);
      say(`${person.first_names} ${person.last_names} quedó en la cola: se inscribirá al sincronizar.`);
    }
    editing = null;
    form.reset();
    toggleGuardian();
    await render();
    soon();
  }

  function edit(item) {
    editing = item;
    document.getElementById("walk-in").open = true;
    for (const [name, value] of Object.entries(item.person)) if (field(name)) field(name).value = value;
    field("guardian_name").value = item.guardian_name || "";
    field("guardian_document").value = item.guardian_document || "";
    toggleGuardian();
    showErrors(item.fields && Object.keys(item.fields).length ? item.fields : { document_number: [item.error] });
  }

  const notice = state.bundle?.notice;
  form.addEventListener("submit", submit);
  field("birth_date").addEventListener("change", toggleGuardian);
  field("birth_date").addEventListener("input", toggleGuardian);
  document.addEventListener("offline-bundle", () => {
    const current = state.bundle?.notice;
    if (current) {
      document.getElementById("w-notice-version").textContent = `(versión ${current.version})`;
      document.getElementById("w-notice-text").textContent = current.text;
    }
  });
  if (notice) document.dispatchEvent(new Event("offline-bundle"));
  return { edit };
}
