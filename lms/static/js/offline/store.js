// The phone's storage for the offline app (IndexedDB through idb-keyval, vendored).
// Each user has their own databases, so a queue left on a shared phone is neither shown
// to nor sent by the next person who signs in. The queue's keys are the order in which
// the marks were made.
import { clear, createStore, del, entries, get, set } from "../../vendor/idb-keyval/idb-keyval.js";

const DEVICE_KEY = "lms-device-id";

/** A random id for this browser, kept across sessions and users. */
export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

let last = 0;

/** The storage of one user: their downloaded data, their queue and the sync's reports. */
export function openStores(userId) {
  const data = createStore(`lms-u${userId}-datos`, "datos");
  const queue = createStore(`lms-u${userId}-cola`, "cola");
  return {
    getBundle: () => get("bundle", data),
    saveBundle: (bundle) => set("bundle", { ...bundle, saved_at: Date.now() }, data),
    getValue: (key) => get(key, data),
    setValue: (key, value) => set(key, value, data),
    /** Every queued item, oldest first, each with its key. */
    async items() {
      const all = await entries(queue);
      return all.sort((a, b) => a[0] - b[0]).map(([key, item]) => ({ ...item, key }));
    },
    async enqueue(item) {
      last = Math.max(Date.now() * 1000, last + 1);
      await set(last, item, queue);
      return last;
    },
    get: (key) => get(key, queue),
    put: (key, item) => set(key, item, queue),
    remove: (key) => del(key, queue),
    /** Forget everything of this user on this phone (sign-out). */
    async wipe() {
      await clear(queue);
      await clear(data);
    },
  };
}
