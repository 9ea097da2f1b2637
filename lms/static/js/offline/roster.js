// A session's roster in the offline app: the downloaded marks with the queued ones on
// top, each person's progress toward the course's threshold, and the walk-ins queued.

export const STATUSES = { presente: "Presente", tarde: "Tarde", excusa: "Excusa", ausente: "Ausente" };
const CREDITING = new Set(["presente", "tarde"]);
const number = new Intl.NumberFormat("es-CO", { maximumFractionDigits: 1 });

/** Fold case, accents and spaces, as the server's search does. */
export function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/** A document as "CC 123456" with separators dropped, for comparing. */
export function documentKey(type, number_) {
  return `${type} ${(number_ || "").replace(/[.\s-]/g, "").toUpperCase()}`;
}

/** The queued state: the last status (and last note, if any item set one) per
 * "session:enrollment" (or walk-in), and the walk-ins. */
export function overlay(items) {
  const status = new Map();
  const walkIns = [];
  for (const item of items) {
    if (item.kind === "walk_in") {
      walkIns.push(item);
      status.set(`${item.session_id}:w:${item.mark_id}`, { status: "presente", item });
    } else {
      const key = `${item.session_id}:${item.walk_in_ref ? `w:${item.walk_in_ref}` : item.enrollment_id}`;
      const note = typeof item.note === "string" ? item.note : status.get(key)?.note;
      status.set(key, { status: item.status, note, item });
    }
  }
  return { status, walkIns };
}

/** Hours credited per enrollment once the queued marks count (the server's rule: presente/tarde). */
export function creditedHours(bundle, state) {
  const hours = new Map();
  for (const session of bundle.sessions) {
    for (const row of session.roster) {
      if (!hours.has(row.enrollment_id)) hours.set(row.enrollment_id, row.hours_credited);
      const queued = state.status.get(`${session.id}:${row.enrollment_id}`);
      if (!queued) continue;
      const before = CREDITING.has(row.status);
      const after = CREDITING.has(queued.status);
      if (before !== after) hours.set(row.enrollment_id, hours.get(row.enrollment_id) + (after ? session.hours : -session.hours));
    }
  }
  return hours;
}

/** "12 de 32 h · faltan 14 h para el 80 %" (or that the threshold is reached). */
export function progressText(credited, cohort) {
  const done = `${number.format(credited)} de ${number.format(cohort.course_hours)} h`;
  const missing = cohort.required_hours - credited;
  if (missing <= 0) return `${done} · cumple el ${cohort.min_pct} %`;
  return `${done} · faltan ${number.format(missing)} h para el ${cohort.min_pct} %`;
}

/** One roster row: name, document, progress, the four status buttons and the note. */
export function rowElement({ id, name, document, status, note, queued, progress, disabled }) {
  const li = document_.createElement("li");
  li.id = id;
  li.className = `card mb-2 roster-row${queued ? " is-queued" : ""}`;
  li.dataset.search = fold(`${name} ${document}`);
  const body = document_.createElement("div");
  body.className = "card-body p-2";
  const head = document_.createElement("div");
  head.className = "d-flex justify-content-between flex-wrap gap-1";
  head.append(span("fw-semibold roster-name", name), span("small text-body-secondary roster-doc", document));
  body.append(head);
  if (progress) body.append(span("d-block roster-progress", progress));
  const group = document_.createElement("div");
  group.className = "d-flex flex-wrap gap-1 mt-2";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", `Asistencia de ${name}`);
  for (const [key, label] of Object.entries(STATUSES)) {
    const button = document_.createElement("button");
    button.type = "button";
    button.dataset.status = key;
    button.className = `btn btn-status ${status === key ? `active-${key}` : "btn-outline-secondary"}`;
    button.setAttribute("aria-pressed", status === key ? "true" : "false");
    button.disabled = Boolean(disabled);
    button.append(label, span("visually-hidden", ` — ${name}`));
    group.append(button);
  }
  body.append(group, noteElement(id, name, note, disabled));
  if (queued) body.append(span("d-block queued-note", "Sin sincronizar"));
  li.append(body);
  return li;
}

const document_ = globalThis.document;

/** The note on a mark: a small "Nota" disclosure with a text box and "Guardar nota". */
function noteElement(id, name, note, disabled) {
  const details = document_.createElement("details");
  details.className = "roster-note mt-1";
  details.open = Boolean(note);
  const summary = document_.createElement("summary");
  summary.className = "small";
  summary.append("Nota", span("visually-hidden", ` — ${name}`));
  const label = document_.createElement("label");
  label.className = "form-label small mb-1";
  label.htmlFor = `${id}-note`;
  label.textContent = `Nota sobre la asistencia de ${name}`;
  const input = document_.createElement("input");
  Object.assign(input, { id: `${id}-note`, name: "note", type: "text", maxLength: 200, value: note || "",
    className: "form-control", autocomplete: "off", disabled: Boolean(disabled) });
  input.setAttribute("aria-describedby", `${id}-note-hint`);
  const save = document_.createElement("button");
  Object.assign(save, { type: "button", className: "btn btn-outline-primary", disabled: Boolean(disabled) });
  save.dataset.note = "save";
  save.append("Guardar nota", span("visually-hidden", ` — ${name}`));
  const box = document_.createElement("div");
  box.className = "input-group input-group-sm";
  box.append(input, save);
  const hint = span("d-block form-text small", "Breve, hasta 200 caracteres (p. ej., «llegó tarde por el transporte»). No escriba datos personales ni de salud.");
  hint.id = `${id}-note-hint`;
  details.append(summary, label, box, hint);
  return details;
}

function span(className, text) {
  const element = document_.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}
