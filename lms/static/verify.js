// Offline verification of the signed QR data on the verification page, with WebCrypto.
// The compact QR (/V/CODE16#DIGITS, lms/certificates/compact.py) is checked exactly as
// carried: SIGNED = "FTIC1" LF ISSUER LF CODE16 LF FIELDS, ES256 over raw r||s, the key
// picked by the first 2 bytes of its RFC 7638 thumbprint. Documents issued earlier carry
// a compact JWS (/v/CODE#JWS) and still verify. The JWKS and the signed status list are
// kept in localStorage, so a check with the network off still works and says how old
// the list is. The verdict banner at the top states the combined result first.
(function () {
  "use strict";
  var banner = document.getElementById("veredicto");
  var root = document.getElementById("offline-check");
  if (!banner || !root) return;
  var title = document.getElementById("veredicto-titulo");
  var detail = document.getElementById("veredicto-detalle");
  var out = document.getElementById("firma-resultado");
  var claimsBox = document.getElementById("firma-datos");
  var statusLine = document.getElementById("estado-lista");
  var table = document.getElementById("qr-comparacion");
  var rows = document.getElementById("qr-filas");
  var registry = JSON.parse(document.getElementById("registro-datos").textContent);
  var FIELDS = ["kind", "name", "doc", "course", "course_name", "hours", "completed", "issued"];
  var NAMES = { kind: "Tipo", name: "Titular", doc: "Documento", course: "Código del curso",
    course_name: "Curso", hours: "Horas", completed: "Finalizado el", issued: "Emitido el" };
  var LABELS = { name: "Titular", doc: "Documento", course_name: "Curso", course: "Código del curso",
    hours: "Horas", completed: "Finalizado el", kind: "Tipo", jti: "Código", iss: "Emisor" };
  // Times as the pages show them: Bogotá, 24-hour, so a sentence never ends in "p. m..".
  var BOGOTA = { timeZone: "America/Bogota", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  var FORGED = "NO COINCIDE / NO AUTÉNTICO";
  var UNCHECKED = "Firma auténtica, pero sin una lista de estado vigente no se sabe si fue revocado (clave ";

  function verdict(kind, heading, text) {
    banner.className = "alert alert-" + kind + " verdict";
    title.textContent = heading;
    detail.textContent = text;
  }

  function show(kind, message) {
    out.className = "alert alert-" + kind;
    out.textContent = message;
  }

  function b64urlBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("base64url no válido");
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function b64urlJson(text) {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b64urlBytes(text)));
  }

  function concat(parts) {
    var size = parts.reduce(function (n, p) { return n + p.length; }, 0), out = new Uint8Array(size), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  // Fresh copy when the network answers, the cached one otherwise.
  function fetchCached(url, key) {
    return fetch(url, { cache: "no-store", credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (text) {
        try { localStorage.setItem(key, JSON.stringify({ text: text, at: Date.now() })); } catch (e) { /* full */ }
        return { text: text, cached: false };
      })
      .catch(function () {
        var saved = null;
        try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
        if (!saved) throw new Error("sin conexión y sin copia guardada");
        return { text: saved.text, cached: true, at: saved.at };
      });
  }

  function importKey(jwk) {
    var key = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true };
    return crypto.subtle.importKey("jwk", key, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  }

  function ecdsa(jwk, sig, data) {
    // WebCrypto takes the raw r||s signature, exactly as both forms carry it.
    return importKey(jwk).then(function (k) {
      return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k, sig, data);
    });
  }

  function verifyJws(token, jwks) {
    var parts = token.split(".");
    if (parts.length !== 3) return Promise.reject(new Error("no es un JWS compacto"));
    var header, payload, sig;
    try {
      header = b64urlJson(parts[0]);
      payload = b64urlJson(parts[1]);
      sig = b64urlBytes(parts[2]);
    } catch (e) { return Promise.reject(new Error("datos dañados")); }
    if (header.alg !== "ES256") return Promise.reject(new Error("algoritmo no permitido"));
    if (header.crit !== undefined) return Promise.reject(new Error("cabecera crítica desconocida"));
    var jwk = (jwks.keys || []).filter(function (k) { return k.kid === header.kid; })[0];
    if (!jwk) return Promise.reject(new Error("clave desconocida (" + header.kid + ")"));
    if (sig.length !== 64) return Promise.reject(new Error("firma de tamaño incorrecto"));
    return ecdsa(jwk, sig, new TextEncoder().encode(parts[0] + "." + parts[1])).then(function (ok) {
      if (!ok) throw new Error("la firma no corresponde: datos alterados");
      return { payload: payload, kid: header.kid };
    });
  }

  // DIGITS -> PAYLOAD bytes: one big-endian unsigned integer.
  function digitsToBytes(digits) {
    var hex = BigInt(digits).toString(16);
    if (hex.length % 2) hex = "0" + hex;
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  function inflateRaw(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  function thumbprintPrefix(jwk) {
    var canonical = '{"crv":"P-256","kty":"EC","x":"' + jwk.x + '","y":"' + jwk.y + '"}';
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical))
      .then(function (d) { return new Uint8Array(d).slice(0, 2); });
  }

  function verifyCompact(code16, digits, jwks) {
    var payload = digitsToBytes(digits);
    if (payload.length < 67 || (payload[0] & 0xf0) !== 0x10 || (payload[0] & 0x0e)) {
      return Promise.reject(new Error("formato desconocido o datos incompletos"));
    }
    var kid = payload.slice(1, 3), sig = payload.slice(payload.length - 64);
    var body = payload.slice(3, payload.length - 64);
    var fieldsReady = (payload[0] & 1) ? inflateRaw(body) : Promise.resolve(body);
    var enc = new TextEncoder(), LF = new Uint8Array([10]);
    return fieldsReady.then(function (fields) {
      var signed = concat([enc.encode("FTIC1"), LF, enc.encode(banner.dataset.issuer), LF,
        enc.encode(code16), LF, fields]);
      return Promise.all((jwks.keys || []).map(function (k) {
        return thumbprintPrefix(k).then(function (t) { return t[0] === kid[0] && t[1] === kid[1] ? k : null; });
      })).then(function (candidates) {
        candidates = candidates.filter(Boolean);
        if (!candidates.length) throw new Error("clave desconocida");
        // A thumbprint prefix may collide: try each key it names.
        return candidates.reduce(function (found, k) {
          return found.then(function (hit) {
            return hit || ecdsa(k, sig, signed).then(function (ok) { return ok ? k : null; });
          });
        }, Promise.resolve(null));
      }).then(function (key) {
        if (!key) throw new Error("la firma no corresponde: datos alterados o de otro emisor");
        var values = new TextDecoder("utf-8", { fatal: true }).decode(fields).split("\n");
        if (values.length !== FIELDS.length) throw new Error("faltan datos");
        var carried = {};
        FIELDS.forEach(function (f, i) { carried[f] = values[i]; });
        return { carried: carried, kid: key.kid };
      });
    });
  }

  function compare(carried) {
    rows.textContent = "";
    var differing = [];
    FIELDS.forEach(function (f) {
      var tr = document.createElement("tr"), known = registry[f] !== undefined;
      var same = !known || registry[f] === carried[f];
      if (!same) { differing.push(NAMES[f]); tr.className = "table-danger"; }
      [NAMES[f], carried[f], known ? registry[f] : "(suprimido)", same ? "Sí" : "NO: distinto"].forEach(function (v, i) {
        var cell = document.createElement(i ? "td" : "th");
        if (!i) cell.scope = "row";
        cell.textContent = v;
        tr.appendChild(cell);
      });
      rows.appendChild(tr);
    });
    table.hidden = false;
    return differing;
  }

  function showClaims(claims) {
    claimsBox.textContent = "";
    Object.keys(LABELS).forEach(function (k) {
      if (claims[k] === undefined) return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.className = "col-sm-3"; dd.className = "col-sm-9";
      dt.textContent = LABELS[k];
      dd.textContent = k === "kind" ? (claims[k] === "certificado" || claims[k] === "c" ? "Certificado" : "Constancia de participación") : String(claims[k]);
      claimsBox.appendChild(dt); claimsBox.appendChild(dd);
    });
    claimsBox.hidden = false;
  }

  function symbols(code) {
    return String(code || "").toUpperCase().replace(/[\s\-_.]/g, "").slice(0, 16);
  }

  function checkStatus(code, jwks) {
    return fetchCached(banner.dataset.status, "lms-status-list").then(function (res) {
      return verifyJws(res.text.trim(), jwks).then(function (v) {
        var list = v.payload, when = new Date(list.iat * 1000);
        var stale = Date.now() / 1000 > list.exp;
        var hoursOld = Math.max(0, Math.round((Date.now() / 1000 - list.iat) / 3600));
        var text = "Estado comprobado el " + when.toLocaleString("es-CO", BOGOTA) + " (hace " + hoursOld + " h)" +
          (res.cached ? " (copia guardada en este dispositivo)" : "") +
          (stale ? ". La lista venció: conéctese para actualizarla." : ".");
        // Compared by the 16 data symbols: a document keeps its identity whichever check
        // symbol scheme spelled its code (docs/certificate-codes.md).
        var mine = symbols(code);
        if ((list.revoked || []).some(function (c) { return symbols(c) === mine; })) return { state: "revoked", text: text };
        var by = Object.keys(list.superseded || {}).filter(function (c) { return symbols(c) === mine; })[0];
        if (by) return { state: "superseded", text: text, by: list.superseded[by] };
        return { state: stale ? "unchecked" : "valid", text: text };
      });
    });
  }

  function conclude(code, jwks, kid, differing) {
    return checkStatus(code, jwks).then(function (st) {
      statusLine.textContent = st.text;
      if (differing.length) {
        verdict("danger", FORGED, "Los datos del código QR no coinciden con el registro: " + differing.join(", ") + ".");
      } else if (st.state === "revoked") {
        show("danger", "Firma auténtica, pero el documento está REVOCADO según la lista de estado.");
        verdict("danger", "REVOCADO", "La firma es auténtica, pero el documento fue revocado y no tiene validez.");
      } else if (st.state === "superseded") {
        show("warning", "Firma auténtica, pero el documento fue REEMPLAZADO por " + st.by + ".");
        verdict("warning", "REEMPLAZADO", "La firma es auténtica, pero el documento fue corregido y reemplazado por " + st.by + ".");
      } else if (st.state === "unchecked") {
        show("warning", UNCHECKED + kid + ").");
        verdict("warning", "FIRMA AUTÉNTICA, ESTADO SIN COMPROBAR", "Los datos coinciden, pero la lista de revocación guardada venció. " + st.text);
      } else {
        show("success", "Firma auténtica: los datos del código QR fueron firmados por el emisor (clave " + kid + ").");
        verdict("success", "AUTÉNTICO Y VIGENTE", "La firma es auténtica, los datos coinciden con el registro y el documento está vigente.");
      }
    }, function () {
      statusLine.textContent = "No se pudo comprobar la lista de revocación (sin conexión y sin copia guardada).";
      show("warning", UNCHECKED + kid + ").");
      if (differing.length) verdict("danger", FORGED, "Los datos del código QR no coinciden con el registro: " + differing.join(", ") + ".");
      else verdict("warning", "FIRMA AUTÉNTICA, ESTADO SIN COMPROBAR", "No se pudo consultar la lista de revocación.");
    });
  }

  function run() {
    var fragment = decodeURIComponent(location.hash.replace(/^#/, ""));
    claimsBox.hidden = true;
    statusLine.textContent = "";
    if (!fragment) {
      show("secondary", "Esta dirección no trae la firma. Escanee el código QR del documento para comprobarla en este dispositivo.");
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      show("warning", "Este navegador no permite comprobar firmas aquí (se requiere una conexión segura HTTPS).");
      verdict("warning", "SIN COMPROBAR", "Este navegador no puede comprobar la firma (se requiere HTTPS).");
      return;
    }
    show("secondary", "Comprobando la firma…");
    verdict("secondary", "COMPROBANDO…", "Comprobando la firma y los datos del código QR.");
    var code = banner.dataset.code;
    var inPath = location.pathname.match(/\/V\/([0-9A-Za-z]{16})$/);
    var code16 = inPath ? inPath[1] : banner.dataset.code16;
    fetchCached(banner.dataset.jwks, "lms-jwks")
      .then(function (res) { return JSON.parse(res.text); })
      .then(function (jwks) {
        if (/^[1-9][0-9]*$/.test(fragment)) {
          return verifyCompact(code16, fragment, jwks).then(function (v) {
            showClaims(v.carried);
            return conclude(code, jwks, v.kid, compare(v.carried));
          });
        }
        return verifyJws(fragment, jwks).then(function (v) {
          if (v.payload.jti !== code) throw new Error("la firma es de otro código (" + v.payload.jti + ")");
          showClaims(v.payload);
          return conclude(code, jwks, v.kid, []);
        });
      })
      .catch(function (e) {
        show("danger", "Firma NO auténtica: " + e.message + ".");
        verdict("danger", FORGED, "La firma del código QR no corresponde (" + e.message + "). No confíe en este documento.");
      })
      .then(function () { if (banner.classList.contains("alert-danger")) banner.focus(); });
  }

  document.getElementById("verificar-de-nuevo").addEventListener("click", run);
  window.addEventListener("hashchange", run);
  run();
})();
