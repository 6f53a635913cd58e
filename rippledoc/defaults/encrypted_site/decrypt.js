// rippledoc: open an encrypted page in the browser. The format is in docs/encryption.md.
//
// The page carries its ciphertext in <script type="application/octet-stream"
// id="rippledoc-encrypted">, so nothing is fetched and file:// works. The key
// is derived once per tab with PBKDF2 and kept between pages like this:
//   - a random AES key, generated here as non-extractable, lives in IndexedDB
//     (the "wrapping key"); it never leaves the browser's crypto engine;
//   - the page key, wrapped (AES-GCM) under it, lives in sessionStorage (this
//     tab, gone when the tab closes) and, only if "Remember on this device" is
//     ticked, in localStorage;
//   - each page unwraps it as a non-extractable key that can only decrypt.
// Neither store alone opens a page, and the passphrase is never stored.
(() => {
  "use strict";
  const FORMAT = "rippledoc-encrypted-page/1";
  const DB = "rippledoc", STORE = "keys", WRAP_ID = "wrapping-key", SLOT_PREFIX = "rippledoc.key.";

  const block = document.getElementById("rippledoc-encrypted");
  const form = document.getElementById("rippledoc-unlock");
  const input = document.getElementById("rippledoc-passphrase");
  const remember = document.getElementById("rippledoc-remember");
  const status = document.getElementById("rippledoc-status");
  const styleLink = document.querySelector('link[rel="stylesheet"]');
  if (!block || !form || !input || !remember || !status) return;

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle("bad", Boolean(bad));
  }

  function fromB64(s) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function toB64(buffer) {
    const bytes = new Uint8Array(buffer);
    let s = "";
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }

  const slot = SLOT_PREFIX + block.dataset.salt;

  // ---- where the page is -------------------------------------------------------------------------
  // The ciphertext is bound to the page's path (GCM associated data); a page
  // shown at another address was moved or swapped, and is not opened.
  function addressMatches(path) {
    let here = location.pathname;
    try { here = decodeURIComponent(here); } catch (e) { /* keep it as it is */ }
    if (here === "/" + path || here.endsWith("/" + path)) return true;
    if (path.endsWith(".html") && here.endsWith("/" + path.slice(0, -5))) return true;  // "pretty" URLs
    if (path === "index.html" || path.endsWith("/index.html")) {
      return here.endsWith("/" + path.slice(0, -"index.html".length));
    }
    return false;
  }

  // ---- storage ---------------------------------------------------------------------------------------
  function storage(area) {
    try { return window[area]; } catch (e) { return null; }  // a browser may refuse storage to file://
  }
  function getEntry(area) {
    try { return storage(area)?.getItem(slot) ?? null; } catch (e) { return null; }
  }
  function setEntry(area, value) {
    try { storage(area)?.setItem(slot, value); return true; } catch (e) { return false; }
  }
  function removeEntries(area, all) {
    const s = storage(area);
    if (!s) return;
    try {
      const names = [];
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        if (k === slot || (all && k && k.startsWith(SLOT_PREFIX))) names.push(k);
      }
      names.forEach((k) => s.removeItem(k));
    } catch (e) { /* nothing to forget */ }
  }

  function openDb() {
    return new Promise((resolve, reject) => {
      let req;
      try { req = indexedDB.open(DB, 1); } catch (e) { reject(e); return; }
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error("IndexedDB is blocked"));
    });
  }

  function run(db, mode, action) {
    return new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = action(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error || new Error("aborted"));
    });
  }

  async function wrappingKey(create) {
    const db = await openDb();
    try {
      let key = await run(db, "readonly", (s) => s.get(WRAP_ID));
      if (!key && create) {
        const fresh = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
        try {
          await run(db, "readwrite", (s) => s.add(fresh, WRAP_ID));
          key = fresh;
        } catch (e) {  // another tab made one first: use that
          key = await run(db, "readonly", (s) => s.get(WRAP_ID));
        }
      }
      return key || null;
    } finally {
      db.close();
    }
  }

  async function forgetEverything() {
    removeEntries("sessionStorage", true);
    removeEntries("localStorage", true);
    try {
      const db = await openDb();
      try { await run(db, "readwrite", (s) => s.delete(WRAP_ID)); } finally { db.close(); }
    } catch (e) { /* no IndexedDB: nothing was kept there */ }
  }

  async function keptKey() {
    const raw = getEntry("sessionStorage") || getEntry("localStorage");
    if (!raw) return null;
    try {
      const entry = JSON.parse(raw);
      const wrap = await wrappingKey(false);
      if (!wrap) return null;
      return await crypto.subtle.unwrapKey("raw", fromB64(entry.wrapped), wrap,
        { name: "AES-GCM", iv: fromB64(entry.iv) }, { name: "AES-GCM" }, false, ["decrypt"]);
    } catch (e) {
      return null;
    }
  }

  async function keep(key, onDevice) {
    try {
      const wrap = await wrappingKey(true);
      if (!wrap) return false;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const wrapped = await crypto.subtle.wrapKey("raw", key, wrap, { name: "AES-GCM", iv });
      const entry = JSON.stringify({ v: 1, iv: toB64(iv), wrapped: toB64(wrapped) });
      const ok = setEntry("sessionStorage", entry);
      if (onDevice) setEntry("localStorage", entry); else removeEntries("localStorage", false);
      return ok;
    } catch (e) {
      return false;
    }
  }

  // ---- the cryptography ----------------------------------------------------------------------------
  const page = {
    iterations: parseInt(block.dataset.iterations, 10),
    salt: fromB64(block.dataset.salt),
    nonce: fromB64(block.dataset.nonce),
    path: block.dataset.path,
    ciphertext: fromB64(block.textContent.trim()),
  };

  async function derive(passphrase) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase.normalize("NFC")),
      "PBKDF2", false, ["deriveKey"]);
    // Extractable only so that it can be wrapped for the next pages; it is dropped with this page.
    return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: page.salt, iterations: page.iterations },
      base, { name: "AES-GCM", length: 256 }, true, ["decrypt"]);
  }

  async function decrypt(key) {
    try {
      const plain = await crypto.subtle.decrypt({
        name: "AES-GCM", iv: page.nonce, tagLength: 128,
        additionalData: new TextEncoder().encode(FORMAT + "\n" + page.path),
      }, key, page.ciphertext);
      return new TextDecoder("utf-8", { fatal: true }).decode(plain);
    } catch (e) {
      return null;  // a wrong key or a damaged page: GCM tells nothing more, and nothing is shown
    }
  }

  // ---- showing the page ----------------------------------------------------------------------------
  function lockButton(remembered) {
    if (styleLink) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = styleLink.href;
      document.head.appendChild(link);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "rippledoc-lock";
    button.textContent = "Lock";
    button.title = "Forget the key in this tab" + (remembered ? " and on this device" : "") +
      ", then show the passphrase form";
    button.addEventListener("click", async () => {
      await forgetEverything();
      location.reload();
    });
    document.body.appendChild(button);
  }

  // The search page's index files (search/*.js) are sealed like the pages, each bound to its own path;
  // the page's script opens them with this tab's key through this function, which never hands the key out.
  function offerUnseal(key) {
    window.rippledocUnseal = async (path, nonce, data) => {
      try {
        const plain = await crypto.subtle.decrypt({
          name: "AES-GCM", iv: fromB64(nonce), tagLength: 128,
          additionalData: new TextEncoder().encode(FORMAT + "\n" + path),
        }, key, fromB64(data));
        return new TextDecoder("utf-8", { fatal: true }).decode(plain);
      } catch (e) {
        return null;
      }
    };
  }

  function show(html, remembered, key) {
    offerUnseal(key);
    const write = () => {
      document.open();
      document.write(html);
      document.close();
      lockButton(remembered);
    };
    if (document.readyState === "complete") write();
    else window.addEventListener("load", write, { once: true });
  }

  function ask(message, bad) {
    form.hidden = false;
    say(message, bad);
    input.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const passphrase = input.value;
    if (!passphrase) return;
    const button = form.querySelector("button");
    button.disabled = true;
    say("Deriving the key (" + page.iterations.toLocaleString("en") + " rounds of PBKDF2)…");
    let key;
    try {
      key = await derive(passphrase);
    } catch (e) {
      button.disabled = false;
      ask("The key could not be derived in this browser: " + e.name + ".", true);
      return;
    }
    const html = await decrypt(key);
    button.disabled = false;
    if (html === null) {
      input.value = "";
      ask("Wrong passphrase: nothing was decrypted. Try again.", true);
      return;
    }
    input.value = "";
    await keep(key, remember.checked);
    show(html, remember.checked, key);
  });

  async function main() {
    if (block.dataset.format !== FORMAT) {
      say("This page was encrypted in a format this script does not know (" + block.dataset.format + ").", true);
      return;
    }
    if (!(page.iterations >= 600000 && page.iterations <= 10000000)) {
      say("This page asks for " + block.dataset.iterations + " PBKDF2 rounds; rippledoc makes pages with " +
        "600,000 to 10,000,000, so it was not opened.", true);
      return;
    }
    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
      say("This browser will not decrypt here: WebCrypto works only in a secure context, that is https://, " +
        "http://localhost, or a file opened from this computer. Open the site over https.", true);
      return;
    }
    if (!addressMatches(page.path)) {
      say("This page is not at the address it was made for (" + page.path + "), so it was not opened: " +
        "it may have been renamed, moved or swapped with another.", true);
      return;
    }
    say("Unlocking…");
    const kept = await keptKey();
    if (kept) {
      const html = await decrypt(kept);
      if (html !== null) {
        show(html, getEntry("localStorage") !== null, kept);
        return;
      }
      removeEntries("sessionStorage", false);
      removeEntries("localStorage", false);
    }
    ask("Enter the passphrase to open this page.");
  }

  main();
})();
