// The trainer's offline app: "Hoy" and the rosters, filled from IndexedDB. Every mark
// and walk-in goes into the page's own queue first (never an intercepted POST), shows at
// once, and is sent when there is a network (see sync.js).
import { deviceId, openStores } from "./store.js";
import { Expired, sendAll } from "./sync.js";
import { STATUSES, creditedHours, documentKey, fold, overlay, progressText, rowElement } from "./roster.js";
import { walkInForm } from "./walkin.js";

const root = document.getElementById("offline-app");
const $ = (id) => document.getElementById(id);
const userId = Number(root.dataset.userId);
const match = location.pathname.match(/\/app\/sesiones\/(\d+)/);
const sessionId = match ? Number(match[1]) : null;
const store = openStores(userId);
const device = deviceId();
// Times as the pages show them: Bogotá, 24-hour (lms/formatting.py).
const BOGOTA = { timeZone: "America/Bogota", day: "2-digit", month: "2-digit", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const state = { bundle: null, items: [], token: null, syncing: false, again: false, workerReady: false, timer: null };

function say(text) {
  $("sync-message").textContent = text;
}

async function refresh() {
  const url = `${root.dataset.dataUrl}?device=${encodeURIComponent(device)}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if ((response.redirected && new URL(response.url).pathname === "/login") || response.status === 401) {
    $("expired").hidden = false;
    throw new Expired();
  }
  if (!response.ok) throw new Error(`El servidor respondió ${response.status}.`);
  const { csrf_token: token, device_key: key, ...bundle } = await response.json();
  state.token = token;
  if (key) await store.setValue("device_key", key);
  await store.saveBundle(bundle);
  state.bundle = await store.getBundle();
  $("expired").hidden = true;
  return token;
}

function showReady() {
  const bundle = state.bundle;
  if (!bundle) {
    $("ready").textContent = navigator.onLine ? "Descargando los datos para trabajar sin conexión…" : "Sin datos guardados en este teléfono.";
    return;
  }
  const minutes = Math.max(0, Math.floor((Date.now() - bundle.saved_at) / 60000));
  $("ready").textContent = state.workerReady
    ? `Listo para trabajar sin conexión · actualizado hace ${minutes} min`
    : `Datos guardados · actualizado hace ${minutes} min · preparando la copia de la aplicación…`;
  $("network").textContent = navigator.onLine ? "Con conexión" : "Sin conexión";
}

function label(session) {
  return `${session.cohort.code} · ${session.cohort.course}`;
}

function link(session) {
  const li = document.createElement("li");
  li.className = "list-group-item";
  const a = document.createElement("a");
  a.href = `/app/sesiones/${session.id}`;
  a.textContent = label(session);
  const meta = document.createElement("span");
  meta.className = "small text-body-secondary";
  const when = [session.date, session.start_time].filter(Boolean).join(" ");
  meta.textContent = ` · ${session.cohort.site} · ${when} · ${session.hours} h · ${session.roster.length} personas`;
  li.append(a, meta);
  return li;
}

function renderToday() {
  const today = new Date().toLocaleDateString("en-CA");
  const sessions = state.bundle.sessions;
  const todays = sessions.filter((s) => s.date === today);
  $("today-list").replaceChildren(...todays.map(link));
  if (!todays.length) $("today-list").append(Object.assign(document.createElement("li"), { className: "list-group-item", textContent: "No tiene sesiones programadas para hoy." }));
  $("upcoming-list").replaceChildren(...sessions.filter((s) => s.date > today).map(link));
  $("view-today").hidden = false;
}

function rowsOf(session, queued) {
  const hours = creditedHours(state.bundle, queued);
  const rows = session.roster.map((row) => {
    const mine = queued.status.get(`${session.id}:${row.enrollment_id}`);
    return { id: `e${row.enrollment_id}`, name: row.name, document: row.document, enrollmentId: row.enrollment_id,
      base: row.base, status: mine ? mine.status : row.status, queued: Boolean(mine),
      note: mine && mine.note !== undefined ? mine.note : row.note,
      progress: progressText(hours.get(row.enrollment_id), session.cohort) };
  });
  for (const item of queued.walkIns.filter((w) => w.session_id === session.id)) {
    const mine = queued.status.get(`${session.id}:w:${item.mark_id}`);
    const person = item.person;
    rows.push({ id: `w-${item.mark_id}`, name: `${person.first_names} ${person.last_names}`, walkIn: item.mark_id, note: mine.note,
      document: documentKey(person.document_type, person.document_number), status: mine.status, queued: true,
      progress: "Ingreso nuevo · se registrará al sincronizar" });
  }
  return rows;
}

function renderSession(session, queued) {
  $("session-title").textContent = label(session);
  $("session-meta").textContent = `${session.date}${session.start_time ? ` ${session.start_time}` : ""} · ${session.cohort.site} · ${session.hours} h`;
  const rows = rowsOf(session, queued);
  const future = session.date > new Date().toLocaleDateString("en-CA");
  state.rows = rows;
  $("roster-list").replaceChildren(...rows.map((row) => rowElement({ ...row, disabled: future })));
  $("all-present").hidden = future;
  $("walk-in").hidden = future;
  $("future").hidden = !future;
  const missing = rows.filter((r) => !r.status).length;
  $("unmarked").textContent = missing ? `${missing} sin marcar de ${rows.length}` : `Todas las ${rows.length} personas están marcadas`;
  filter();
  $("view-session").hidden = false;
}

function renderQueueErrors() {
  const bad = state.items.filter((i) => i.error);
  $("errors").hidden = !bad.length;
  $("errors-list").replaceChildren(...bad.map((item) => {
    const li = document.createElement("li");
    li.className = "list-group-item";
    const who = item.kind === "walk_in" ? `Ingreso de ${item.person.first_names} ${item.person.last_names}` : "Marca";
    li.append(`${who}: ${item.error} `);
    const fix = document.createElement(item.session_id === sessionId ? "button" : "a");
    fix.className = "btn btn-outline-primary btn-sm me-1";
    fix.textContent = "Corregir";
    if (item.session_id === sessionId) {
      fix.type = "button";
      fix.addEventListener("click", () => walkIn.edit(item));
    } else fix.href = `/app/sesiones/${item.session_id}`;
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "btn btn-outline-danger btn-sm";
    drop.textContent = "Descartar";
    drop.addEventListener("click", async () => {
      if (!confirm("¿Descartar este pendiente? No se enviará.")) return;
      await store.remove(item.key);
      await render();
    });
    if (item.kind === "walk_in") li.append(fix);
    li.append(drop);
    return li;
  }));
}

async function renderReports() {
  const reports = (await store.getValue("reports")) || [];
  $("reports").hidden = !reports.length;
  $("reports-list").replaceChildren(...reports.map((text) => Object.assign(document.createElement("li"), { className: "list-group-item", textContent: text })));
}

async function render() {
  state.items = await store.items();
  $("pending").textContent = `${state.items.length} sin sincronizar`;
  showReady();
  renderQueueErrors();
  await renderReports();
  $("no-data").hidden = Boolean(state.bundle);
  if (!state.bundle) return;
  document.dispatchEvent(new Event("offline-bundle"));
  const queued = overlay(state.items);
  const session = sessionId && state.bundle.sessions.find((s) => s.id === sessionId);
  if (session) renderSession(session, queued);
  else renderToday();
}

function filter() {
  const wanted = fold($("roster-search").value);
  const compact = wanted.replace(/[.\s-]/g, "");
  for (const li of $("roster-list").children) {
    li.hidden = Boolean(wanted) && !li.dataset.search.includes(wanted) && !(compact && li.dataset.search.replace(/[.\s-]/g, "").includes(compact));
  }
}

async function enqueueMark(row, status, note) {
  const item = { mark_id: crypto.randomUUID(), device_id: device, user_id: userId, kind: "mark", session_id: sessionId,
    status, made_at: new Date().toISOString(), base: row.base ?? null };
  if (typeof note === "string") item.note = note;
  if (row.walkIn) item.walk_in_ref = row.walkIn;
  else item.enrollment_id = row.enrollmentId;
  await store.enqueue(item);
}

/** A note travels with its person's mark: the queue gets the mark again, carrying the note. */
async function saveNote(button) {
  const li = button.closest("li");
  const row = state.rows.find((r) => r.id === li.id);
  const text = li.querySelector("input[name=note]").value.replace(/\s+/g, " ").trim();
  if (!row) return;
  if (!row.status) return say(`Marque primero la asistencia de ${row.name}: la nota acompaña a la marca.`);
  if (text === (row.note || "")) return say("La nota no cambió.");
  await enqueueMark(row, row.status, text);
  say(text ? `Nota de ${row.name} guardada en el teléfono.` : `Nota de ${row.name} borrada.`);
  await render();
  soon();
}

async function mark(event) {
  const note = event.target.closest("button[data-note]");
  if (note) return saveNote(note);
  const button = event.target.closest("button[data-status]");
  if (!button) return;
  const row = state.rows.find((r) => r.id === button.closest("li").id);
  if (!row || row.status === button.dataset.status) return;
  await enqueueMark(row, button.dataset.status);
  await render();
  soon();
}

async function allPresent() {
  const missing = state.rows.filter((r) => !r.status);
  for (const row of missing) await enqueueMark(row, "presente");
  say(missing.length ? `${missing.length} personas quedaron presentes; marque ahora las excepciones.` : "No quedaba nadie sin marcar.");
  await render();
  soon();
}

function soon() {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => sync(false), 1500);
}

function describe(item, result) {
  const session = state.bundle?.sessions.find((s) => s.id === item.session_id);
  const row = session?.roster.find((r) => r.enrollment_id === (item.enrollment_id ?? result.enrollment_id));
  const who = row ? row.name : item.person ? `${item.person.first_names} ${item.person.last_names}` : `inscripción ${item.enrollment_id}`;
  return `${who} (${session ? label(session) : `sesión ${item.session_id}`})`;
}

async function report(text) {
  const reports = (await store.getValue("reports")) || [];
  await store.setValue("reports", [...reports, text]);
}

async function settle(item, result) {
  const c = result.conflict;
  const at = (iso) => new Date(`${iso}${iso.endsWith("Z") ? "" : "Z"}`).toLocaleString("es-CO", BOGOTA);
  if (result.outcome === "refused") {
    // A correction saved while this item was on its way wins over the old item's refusal.
    const stored = await store.get(item.key);
    if (stored && JSON.stringify(bare(stored)) !== JSON.stringify(bare(item))) return;
    await store.put(item.key, { ...item, error: result.message, fields: result.fields || {} });
    return;
  }
  await store.remove(item.key);
  if (result.outcome === "orphan") await report(`${describe(item, result)}: la persona o la sesión ya no existe; su marca «${STATUSES[item.status]}» no se aplicó.`);
  else if (result.outcome === "kept") await report(`${describe(item, result)}: se conservó «${STATUSES[c.server]}», marcada en el servidor el ${at(c.server_at)}, posterior a su marca «${STATUSES[c.device]}».`);
  else if (c && c.by_other) await report(`${describe(item, result)}: otra persona había marcado «${STATUSES[c.server]}» el ${at(c.server_at)}; quedó su marca «${STATUSES[c.device]}», que es posterior.`);
}

/** A queued item as the trainer wrote it: without its key and the server's last refusal. */
function bare({ key: _key, error: _error, fields: _fields, ...item }) {
  return item;
}

async function freshToken() {
  return navigator.onLine || !state.token ? refresh() : state.token;
}

async function sync(manual) {
  if (state.syncing) {
    state.again = true; // asked for during a sync (a correction, "Sincronizar"): run once more
    return;
  }
  if (!navigator.onLine && !manual) return;
  // Taken before the first await: two calls in one tick (the browser's "online" event and
  // another) would otherwise both find it free and send the same batch twice.
  state.syncing = true;
  try {
    const items = await store.items();
    if (!items.length) {
      if (manual) say("No hay nada pendiente.");
      return;
    }
    say(`Sincronizando ${items.length} pendientes…`);
    await sendAll({ url: root.dataset.syncUrl, deviceId: device, items, freshToken, settle,
      onWait: (ms) => say(`Sin respuesta del servidor; se reintenta en ${Math.round(ms / 1000)} s.`) });
    const left = (await store.items()).length;
    say(left ? `Sincronización terminada; ${left === 1 ? "1 pendiente necesita" : `${left} pendientes necesitan`} corrección.` : "Sincronización terminada: todo quedó enviado.");
    await refresh();
  } catch (error) {
    if (error instanceof Expired) {
      $("expired").hidden = false;
      say("La sesión expiró: entre de nuevo para enviar los pendientes.");
    } else say(error.message || "No se pudo sincronizar; se intentará de nuevo.");
  } finally {
    state.syncing = false;
    await render();
    if (state.again) {
      state.again = false;
      soon();
    }
  }
}

async function exportQueue() {
  const items = await store.items();
  if (!items.length) return say("No hay pendientes para exportar.");
  const key = await store.getValue("device_key");
  if (!key) return say("Abra la aplicación con conexión una vez para poder exportar.");
  const payload = JSON.stringify({ format: "lms-pendientes-1", user_id: userId, device_id: device,
    exported_at: new Date().toISOString(), items: items.map(({ key: _k, error, fields, ...item }) => item) });
  const encoder = new TextEncoder();
  const hmac = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = [...new Uint8Array(await crypto.subtle.sign("HMAC", hmac, encoder.encode(payload)))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([JSON.stringify({ payload, signature })], { type: "application/json" }));
  a.download = `pendientes-${new Date().toISOString().slice(0, 10)}-${device.slice(0, 8)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  say(`Se exportaron ${items.length} pendientes; siguen en el teléfono hasta que se sincronicen.`);
}

function guardSignOut() {
  const form = document.querySelector('form[action$="/logout"]');
  if (!form) return;
  $("sign-out").addEventListener("click", () => form.requestSubmit());
  form.addEventListener("submit", async (event) => {
    if (form.dataset.confirmed) return;
    event.preventDefault();
    const count = (await store.items()).length;
    if (count && !confirm(`Hay ${count} ${count === 1 ? "marca" : "marcas"} sin sincronizar en este teléfono. Si cierra sesión se descartarán. ¿Cerrar sesión de todos modos?`)) return;
    await store.wipe();
    form.dataset.confirmed = "1";
    form.submit();
  });
}

async function prepareDevice() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/app/" }).catch(() => {});
    navigator.serviceWorker.ready.then(() => { state.workerReady = true; showReady(); });
  }
  if (navigator.storage && navigator.storage.persist) {
    const granted = await navigator.storage.persisted() || await navigator.storage.persist();
    $("persist").textContent = granted
      ? "Almacenamiento persistente: concedido (el teléfono no borrará estos datos)."
      : "Almacenamiento persistente: no concedido (si falta espacio, el navegador podría borrar los datos; sincronice a menudo).";
  }
}

const walkIn = walkInForm({ store, state, device, userId, sessionId, say, render, soon, enqueueMark });

async function start() {
  guardSignOut();
  prepareDevice();
  state.bundle = await store.getBundle();
  await render();
  $("roster-list").addEventListener("click", mark);
  $("roster-search").addEventListener("input", filter);
  $("all-present").addEventListener("click", allPresent);
  $("sync-now").addEventListener("click", () => sync(true));
  $("export").addEventListener("click", exportQueue);
  $("reports-clear").addEventListener("click", async () => { await store.setValue("reports", []); await render(); });
  window.addEventListener("online", () => sync(false).then(() => refresh().then(render).catch(() => {})));
  window.addEventListener("offline", showReady);
  setInterval(showReady, 30_000);
  if (navigator.onLine) {
    try {
      await refresh();
    } catch (error) {
      if (!(error instanceof Expired)) say("No se pudieron descargar los datos; se usan los guardados.");
    }
    await render();
    await sync(false);
  }
  root.dataset.ready = "1";
}

start();
