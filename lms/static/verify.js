// Offline verification of the signed QR payload on /v/CODE#JWS, with WebCrypto.
// The JWKS and the signed status list are fetched when the network is there and kept
// in localStorage, so a later check (or one with the network off) still works.
(function () {
  "use strict";
  var root = document.getElementById("offline-check");
  if (!root) return;
  var out = document.getElementById("firma-resultado");
  var claimsBox = document.getElementById("firma-datos");
  var statusLine = document.getElementById("estado-lista");
  var LABELS = { name: "Titular", doc: "Documento", course_name: "Curso", course: "Código del curso",
    hours: "Horas", completed: "Finalizado el", kind: "Tipo", jti: "Código", iss: "Emisor" };

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
    var data = new TextEncoder().encode(parts[0] + "." + parts[1]);
    var key = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true };
    return crypto.subtle.importKey("jwk", key, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
      .then(function (k) {
        // WebCrypto takes the raw r||s signature, exactly as JWS carries it.
        return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k, sig, data);
      })
      .then(function (ok) {
        if (!ok) throw new Error("la firma no corresponde: datos alterados");
        return { payload: payload, kid: header.kid };
      });
  }

  function showClaims(claims) {
    claimsBox.textContent = "";
    Object.keys(LABELS).forEach(function (k) {
      if (claims[k] === undefined) return;
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.className = "col-sm-3"; dd.className = "col-sm-9";
      dt.textContent = LABELS[k];
      dd.textContent = k === "kind" ? (claims[k] === "certificado" ? "Certificado" : "Constancia de participación") : String(claims[k]);
      claimsBox.appendChild(dt); claimsBox.appendChild(dd);
    });
    claimsBox.hidden = false;
  }

  // Like the command line's exit 3: the signature holds, but revocation is not known now.
  var UNCHECKED = "Firma auténtica, pero sin una lista de estado vigente no se sabe si fue revocado (clave ";

  function checkStatus(code, jwks) {
    return fetchCached(root.dataset.status, "lms-status-list").then(function (res) {
      return verifyJws(res.text.trim(), jwks).then(function (v) {
        var list = v.payload, when = new Date(list.iat * 1000);
        var stale = Date.now() / 1000 > list.exp;
        var text = "Estado comprobado el " + when.toLocaleString("es-CO") +
          (res.cached ? " (copia guardada en este dispositivo)" : "") +
          (stale ? ". La lista venció: conéctese para actualizarla." : ".");
        if ((list.revoked || []).indexOf(code) >= 0) return { state: "revoked", text: text };
        if ((list.superseded || {})[code]) return { state: "superseded", text: text, by: list.superseded[code] };
        return { state: stale ? "unchecked" : "valid", text: text };
      });
    });
  }

  function run() {
    var token = decodeURIComponent(location.hash.replace(/^#/, ""));
    claimsBox.hidden = true;
    statusLine.textContent = "";
    if (!token) {
      show("secondary", "Esta dirección no trae la firma. Escanee el código QR del documento para comprobarla en este dispositivo.");
      return;
    }
    if (!window.crypto || !crypto.subtle) {
      show("warning", "Este navegador no permite comprobar firmas aquí (se requiere una conexión segura HTTPS).");
      return;
    }
    show("secondary", "Comprobando la firma…");
    var code = root.dataset.code;
    fetchCached(root.dataset.jwks, "lms-jwks")
      .then(function (res) { return JSON.parse(res.text); })
      .then(function (jwks) {
        return verifyJws(token, jwks).then(function (v) {
          if (v.payload.jti !== code) throw new Error("la firma es de otro código (" + v.payload.jti + ")");
          showClaims(v.payload);
          return checkStatus(code, jwks).then(function (st) {
            statusLine.textContent = st.text;
            if (st.state === "revoked") show("danger", "Firma auténtica, pero el documento está REVOCADO según la lista de estado.");
            else if (st.state === "superseded") show("warning", "Firma auténtica, pero el documento fue REEMPLAZADO por " + st.by + ".");
            else if (st.state === "unchecked") show("warning", UNCHECKED + v.kid + ").");
            else show("success", "Firma auténtica: los datos del código QR fueron firmados por el emisor (clave " + v.kid + ").");
          }, function () {
            statusLine.textContent = "No se pudo comprobar la lista de revocación (sin conexión y sin copia guardada).";
            show("warning", UNCHECKED + v.kid + ").");
          });
        });
      })
      .catch(function (e) { show("danger", "Firma NO auténtica: " + e.message + "."); });
  }

  document.getElementById("verificar-de-nuevo").addEventListener("click", run);
  window.addEventListener("hashchange", run);
  run();
})();
