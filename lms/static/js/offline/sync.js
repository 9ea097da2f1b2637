// Sending the queue: in order, in batches, each item once. The server settles every
// mark_id once and answers a replay as a success, so a batch whose answer was lost is
// simply sent again. Network failures and busy servers wait 1 s, 2 s, 4 s… up to 5 min.

export const BATCH = 100;
const MAX_WAIT = 300_000;

export class Expired extends Error {}

/** Wait before the n-th retry (exponential, capped at 5 minutes). */
export function backoff(attempt) {
  return Math.min(1000 * 2 ** attempt, MAX_WAIT);
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (response.redirected && new URL(response.url).pathname === "/login") throw new Expired();
  if (response.status === 401) throw new Expired();
  return response;
}

/**
 * Send every item of ``items`` (already in order) and call ``settle(item, result)`` for
 * each answer. ``freshToken()`` returns a CSRF token (it throws Expired when signed out).
 * Returns when all were answered; throws Expired, or keeps retrying with backoff.
 */
export async function sendAll({ url, deviceId, items, freshToken, settle, onWait }) {
  let token = await freshToken();
  for (let start = 0; start < items.length; ) {
    const batch = items.slice(start, start + BATCH);
    const body = { device_id: deviceId, items: batch.map(({ key, error, fields, ...item }) => item) };
    let response;
    for (let attempt = 0; ; attempt += 1) {
      try {
        response = await post(url, token, body);
        if (response.status === 400 && (await response.clone().text()).includes("CSRF")) {
          token = await freshToken();
          continue;
        }
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        if (error instanceof Expired) throw error;
      }
      const wait = backoff(attempt);
      if (onWait) onWait(wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || "El servidor rechazó el envío.");
    for (let i = 0; i < batch.length; i += 1) await settle(batch[i], answer.results[i]);
    start += batch.length;
  }
}
