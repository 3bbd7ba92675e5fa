// The reader's keyboard and tagging: one toolbar acts on the focused passage (or the
// words selected in it), one pop-up on a mouse selection, one memo dialog, a toast with
// Undo. Passages carry no controls of their own; without this file every passage links
// to its own page with plain forms.
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  const toolbar = document.getElementById("tag-toolbar");
  const picker = document.getElementById("span-picker");
  const memoDialog = document.getElementById("memo-dialog");
  const keysDialog = document.getElementById("keys-dialog");
  const toast = document.getElementById("reader-status");
  const UNDO_SHOWN_MS = 12000;
  let current = null; // the passage the toolbar acts on
  let currentTagId = null; // the tag of yours that m and x act on
  let pendingSpan = null; // the passage and span the pop-up would tag
  let swappedId = null; // the passage a request will replace, to focus again
  let undoToken = null;
  let toastTimer = null;

  if (toolbar) toolbar.hidden = false;

  const link = (name, id) => toolbar.dataset[name].replace("{id}", id);
  const allPassages = () => Array.from(document.querySelectorAll("article.passage"));
  const passageOf = (node) => {
    const element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("article.passage") : null;
  };

  // --- Announcements -----------------------------------------------------------------

  function announce(message, options) {
    if (!toast) return;
    const settings = Object.assign({ error: false, undo: false, login: null }, options);
    toast.classList.toggle("error", settings.error);
    toast.querySelector(".toast-text").textContent = message;
    toast.querySelector(".toast-undo").hidden = !settings.undo;
    const login = toast.querySelector(".toast-login");
    login.hidden = !settings.login;
    if (settings.login) login.href = settings.login;
    toast.classList.add("shown");
    clearTimeout(toastTimer);
    if (!settings.login) {
      toastTimer = setTimeout(() => toast.classList.remove("shown"), settings.undo ? UNDO_SHOWN_MS : 5000);
    }
  }

  // --- The current passage and tag -------------------------------------------------

  function ownChips(passage) {
    return passage ? Array.from(passage.querySelectorAll(".chip[data-may-change]")) : [];
  }

  function currentChip() {
    const chips = ownChips(current);
    return chips.find((chip) => chip.dataset.tag === currentTagId) || chips[chips.length - 1] || null;
  }

  function describeTarget() {
    if (!toolbar) return;
    const target = document.getElementById("toolbar-target");
    document.querySelectorAll(".chip.current").forEach((chip) => chip.classList.remove("current"));
    if (!current) return;
    const passages = allPassages();
    const chip = currentChip();
    if (chip) chip.classList.add("current");
    const what = current.classList.contains("passage-note") ? "Note" : "Passage";
    const place = `${what} ${passages.indexOf(current) + 1} of ${passages.length}`;
    const tag = chip ? ` · your tag: ${chip.querySelector(".chip-label").textContent}` : "";
    target.textContent = place + tag;
    toolbar.querySelector("[data-action=memo]").disabled = !chip;
    toolbar.querySelector("[data-action=remove]").disabled = !chip;
  }

  function makeCurrent(passage) {
    if (current === passage) return;
    if (current) {
      current.classList.remove("current");
      current.tabIndex = -1;
    }
    current = passage;
    currentTagId = null;
    passage.classList.add("current");
    passage.tabIndex = 0; // a roving tab stop: Tab enters the text once
    describeTarget();
  }

  function moveBy(step) {
    const passages = allPassages();
    if (!passages.length) return;
    const at = current ? passages.indexOf(current) : -1;
    const next = passages[Math.min(passages.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  function cycleTag(step) {
    const chips = ownChips(current);
    if (!chips.length) return;
    const at = chips.indexOf(currentChip());
    currentTagId = chips[(at + step + chips.length) % chips.length].dataset.tag;
    describeTarget();
  }

  document.addEventListener("focusin", (event) => {
    const passage = event.target.closest && event.target.closest("article.passage");
    if (passage && event.target === passage) makeCurrent(passage);
  });

  // --- Selected words -------------------------------------------------------------

  function codePoints(text) {
    // The server counts offsets in code points, JavaScript strings in UTF-16 units.
    return Array.from(text).length;
  }

  function textOf(range) {
    // Footnote markers are not part of the passage's text: leave them out.
    const fragment = range.cloneContents();
    fragment.querySelectorAll("sup.fn").forEach((marker) => marker.remove());
    return fragment.textContent;
  }

  // The selection within a passage's text as code point offsets, trimmed of the
  // whitespace a double-click selects; null when nothing of that text is selected.
  function selectedSpan(passage) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const textElement = passage.querySelector(".passage-text");
    const range = selection.getRangeAt(0).cloneRange();
    const whole = document.createRange();
    whole.selectNodeContents(textElement);
    if (range.compareBoundaryPoints(Range.END_TO_START, whole) >= 0) return null;
    if (range.compareBoundaryPoints(Range.START_TO_END, whole) <= 0) return null;
    if (range.compareBoundaryPoints(Range.START_TO_START, whole) < 0) {
      range.setStart(whole.startContainer, whole.startOffset);
    }
    if (range.compareBoundaryPoints(Range.END_TO_END, whole) > 0) {
      range.setEnd(whole.endContainer, whole.endOffset);
    }
    const before = document.createRange();
    before.setStart(whole.startContainer, whole.startOffset);
    before.setEnd(range.startContainer, range.startOffset);
    const characters = Array.from(textOf(whole));
    let start = codePoints(textOf(before));
    let end = start + codePoints(textOf(range));
    while (start < end && /\s/.test(characters[start])) start += 1;
    while (end > start && /\s/.test(characters[end - 1])) end -= 1;
    return end > start ? { start: start, end: end } : null;
  }

  // --- Requests ---------------------------------------------------------------------

  function send(url, passage, values) {
    swappedId = passage.id;
    htmx.ajax("POST", url, { source: passage, target: passage, swap: "outerHTML", values: values });
  }

  function tagWith(theme, passage, span) {
    if (!toolbar || !passage) return;
    hidePicker();
    const values = { theme: theme };
    if (span) {
      values.start = span.start;
      values.end = span.end;
      window.getSelection().removeAllRanges();
    }
    send(link("create", passage.id.slice(1)), passage, values);
  }

  function removeCurrentTag() {
    const chip = currentChip();
    if (!chip) { announce("No tag of yours on this passage.", { error: true }); return; }
    send(link("delete", chip.dataset.tag), current, {});
  }

  function undo() {
    if (!undoToken || !toolbar) return;
    const token = undoToken;
    undoToken = null;
    toolbar.querySelector("[data-action=undo]").disabled = true;
    // The server answers with the passage the tag goes back to, and retargets the swap.
    htmx.ajax("POST", toolbar.dataset.restore, {
      source: toolbar, target: current || "body", swap: "outerHTML", values: { undo: token },
    });
  }

  // --- The memo dialog -------------------------------------------------------------

  let memoChip = null;

  function openMemo() {
    const chip = currentChip();
    if (!chip || !memoDialog) { announce("No tag of yours on this passage.", { error: true }); return; }
    memoChip = chip;
    const memo = chip.querySelector(".memo");
    document.getElementById("memo-target").textContent = `your ${chip.querySelector(".chip-label").textContent} tag`;
    document.getElementById("memo-text").value = memo ? memo.lastChild.textContent : "";
    memoDialog.showModal();
  }

  function saveMemo() {
    const passage = memoChip && passageOf(memoChip);
    if (passage) send(link("memo", memoChip.dataset.tag), passage, { memo: document.getElementById("memo-text").value });
    memoDialog.close();
  }

  if (memoDialog) {
    memoDialog.addEventListener("submit", (event) => {
      event.preventDefault();
      if (event.submitter && event.submitter.value === "save") saveMemo();
      else memoDialog.close();
    });
    document.getElementById("memo-text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveMemo(); }
    });
    memoDialog.addEventListener("close", () => { if (current) current.focus({ preventScroll: true }); });
  }
  if (keysDialog) {
    keysDialog.addEventListener("close", () => { if (current) current.focus({ preventScroll: true }); });
  }

  // --- The selection pop-up --------------------------------------------------------

  function hidePicker() {
    if (picker) picker.hidden = true;
    pendingSpan = null;
  }

  function showPickerForSelection() {
    if (!picker || !toolbar) return;
    const selection = window.getSelection();
    const passage = selection && passageOf(selection.anchorNode);
    const span = passage && selectedSpan(passage);
    if (!span) { hidePicker(); return; }
    pendingSpan = { passage: passage, span: span };
    makeCurrent(passage);
    const box = selection.getRangeAt(0).getBoundingClientRect();
    picker.hidden = false;
    const left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - picker.offsetWidth - 8);
    picker.style.top = `${window.scrollY + box.bottom + 8}px`;
    picker.style.left = `${Math.max(8, left)}px`;
  }

  document.addEventListener("mouseup", (event) => {
    if (picker && !picker.contains(event.target) && !(toolbar && toolbar.contains(event.target))) {
      setTimeout(showPickerForSelection, 0);
    }
  });
  document.addEventListener("keyup", (event) => { if (event.shiftKey) showPickerForSelection(); });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (pendingSpan && (!selection || selection.isCollapsed)) hidePicker();
  });
  document.addEventListener("mousedown", (event) => {
    // Keep the selection and the focused passage while a tool is pressed.
    if ((picker && picker.contains(event.target)) || (toolbar && toolbar.contains(event.target))) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", (event) => {
    const pick = event.target.closest("#span-picker [data-theme]");
    if (pick && pendingSpan) { tagWith(pick.dataset.theme, pendingSpan.passage, pendingSpan.span); return; }
    const tool = event.target.closest("#tag-toolbar [data-theme]");
    if (tool) {
      if (!current) { announce("Choose a passage first: click it or press j.", { error: true }); return; }
      tagWith(tool.dataset.theme, current, selectedSpan(current));
      return;
    }
    const action = event.target.closest("#tag-toolbar [data-action]");
    if (action) runAction(action.dataset.action);
    if (event.target.closest(".toast-undo")) undo();
    const chip = event.target.closest(".chip[data-may-change]");
    if (chip) {
      makeCurrent(passageOf(chip));
      currentTagId = chip.dataset.tag;
      describeTarget();
    }
  });

  function runAction(name) {
    if (name === "memo") openMemo();
    else if (name === "remove") removeCurrentTag();
    else if (name === "undo") undo();
    else if (name === "keys" && keysDialog) keysDialog.showModal();
  }

  // --- Keys --------------------------------------------------------------------------

  const KEY_ACTIONS = {
    j: () => moveBy(1), k: () => moveBy(-1),
    m: () => runAction("memo"), x: () => runAction("remove"), u: () => runAction("undo"),
    "[": () => cycleTag(-1), "]": () => cycleTag(1),
    o: () => { if (current) window.location.href = current.querySelector("a.plink").href; },
    "?": () => runAction("keys"),
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape") { hidePicker(); return; }
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, dialog, [contenteditable]")) return;
    if (/^[1-9]$/.test(event.key)) {
      const passage = pendingSpan ? pendingSpan.passage : passageOf(target);
      const button = toolbar && toolbar.querySelector(`[data-key="${event.key}"]`);
      if (!passage || !button) return;
      event.preventDefault();
      tagWith(button.dataset.theme, passage, selectedSpan(passage));
      return;
    }
    const action = KEY_ACTIONS[event.key];
    if (!action) return;
    if (!toolbar && "mxu[]".includes(event.key)) return;
    event.preventDefault();
    action();
  });

  // --- After htmx swaps -------------------------------------------------------------

  function recount() {
    const counts = {};
    document.querySelectorAll(".chip[data-theme]").forEach((chip) => {
      counts[chip.dataset.theme] = (counts[chip.dataset.theme] || 0) + 1;
    });
    document.querySelectorAll("[data-theme-count]").forEach((cell) => {
      cell.textContent = counts[cell.dataset.themeCount] || 0;
    });
  }

  document.addEventListener("htmx:afterSettle", () => {
    recount();
    if (!swappedId) return;
    const passage = document.getElementById(swappedId);
    swappedId = null;
    if (!passage) return;
    current = null;
    makeCurrent(passage);
    passage.focus({ preventScroll: true });
  });
  document.addEventListener("tag-status", (event) => announce(event.detail.message));
  document.addEventListener("tag-removed", (event) => {
    undoToken = event.detail.undo;
    if (toolbar) toolbar.querySelector("[data-action=undo]").disabled = false;
    announce(event.detail.message, { undo: true });
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    // The server may send a change to another passage than the one asked (an undo).
    const target = event.detail.target;
    if (target && target.matches && target.matches("article.passage")) swappedId = target.id;
  });
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    swappedId = null;
    if (xhr.status === 401) {
      let login = null;
      try { login = JSON.parse(xhr.getResponseHeader("HX-Trigger") || "{}")["tag-login"].login; } catch (error) { login = null; }
      announce(xhr.responseText, { error: true, login: login });
      return;
    }
    // Our refusals are one line of plain text; a whole error page is not for a toast.
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    announce(plain && xhr.responseText ? xhr.responseText : "That did not work. Please try again.", { error: true });
  });
  document.addEventListener("htmx:sendError", () => {
    announce("The server could not be reached. Please try again.", { error: true });
  });

  // --- The page's own controls and its first state --------------------------------

  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });

  if (window.matchMedia("(max-width: 52rem)").matches) {
    // On a phone the panels sit above the text: closed until asked for.
    document.querySelectorAll(".contents-panel .panel, .codebook-panel .panel").forEach((panel) => { panel.open = false; });
  }
  const passages = allPassages();
  passages.forEach((passage, index) => { passage.tabIndex = index === 0 ? 0 : -1; });
  const linked = /^#p\d+$/.test(window.location.hash) && document.getElementById(window.location.hash.slice(1));
  if (linked && linked.matches("article.passage")) {
    linked.focus();
  } else if (passages.length) {
    makeCurrent(passages[0]);
    current.classList.remove("current");
  }
})();
