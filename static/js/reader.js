// Tagging in the reader: number keys on a focused passage, tagging selected words,
// focus and announcements around htmx swaps. Whole-passage tagging and removal work
// without this file, as plain form posts.
(function () {
  "use strict";

  const picker = () => document.getElementById("span-picker");
  let pending = null; // the passage and span the span picker would tag
  let swappedPassageId = null;
  let toastTimer = null;

  function announce(message, isError) {
    const toast = document.getElementById("reader-status");
    if (!toast) return;
    toast.classList.toggle("error", Boolean(isError));
    toast.textContent = message;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.textContent = ""; }, 5000);
  }

  function codePoints(text) {
    // The server counts offsets in code points, JavaScript strings in UTF-16 units.
    return Array.from(text).length;
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
    const characters = Array.from(textElement.textContent);
    let start = codePoints(before.toString());
    let end = start + codePoints(range.toString());
    while (start < end && /\s/.test(characters[start])) start += 1;
    while (end > start && /\s/.test(characters[end - 1])) end -= 1;
    return end > start ? { start: start, end: end } : null;
  }

  function tagSpan(passage, theme, span) {
    window.getSelection().removeAllRanges();
    hidePicker();
    swappedPassageId = passage.id;
    htmx.ajax("POST", passage.dataset.tagUrl, {
      source: passage,
      target: passage,
      swap: "outerHTML",
      values: { theme: theme, start: span.start, end: span.end },
    });
  }

  function hidePicker() {
    const element = picker();
    if (element) element.hidden = true;
    pending = null;
  }

  function showPickerForSelection() {
    const element = picker();
    if (!element) return;
    const selection = window.getSelection();
    const anchor = selection && selection.anchorNode;
    const passage = anchor && (anchor.nodeType === 1 ? anchor : anchor.parentElement).closest(".passage[data-tag-url]");
    const span = passage && selectedSpan(passage);
    if (!span) { hidePicker(); return; }
    pending = { passage: passage, span: span };
    const box = selection.getRangeAt(0).getBoundingClientRect();
    element.hidden = false;
    element.style.top = `${window.scrollY + box.bottom + 8}px`;
    element.style.left = `${Math.max(8, window.scrollX + box.left)}px`;
  }

  document.addEventListener("mouseup", (event) => {
    if (picker() && !picker().contains(event.target)) setTimeout(showPickerForSelection, 0);
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey) showPickerForSelection();
  });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (pending && (!selection || selection.isCollapsed)) hidePicker();
  });
  document.addEventListener("mousedown", (event) => {
    // Keep the selection alive while a picker button is pressed.
    if (picker() && picker().contains(event.target)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("#span-picker button[data-theme]");
    if (button && pending) tagSpan(pending.passage, button.dataset.theme, pending.span);
  });

  // Number keys on a focused passage: the words selected in it, else the whole passage.
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || !/^[1-9]$/.test(event.key)) return;
    const passage = event.target;
    if (!(passage instanceof Element) || !passage.matches(".passage[data-tag-url]")) return;
    const button = passage.querySelectorAll(".picker button[name=theme]")[Number(event.key) - 1];
    if (!button) return;
    event.preventDefault();
    const span = selectedSpan(passage);
    if (span) {
      tagSpan(passage, button.value, span);
    } else {
      swappedPassageId = passage.id;
      button.click();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && pending) hidePicker();
  });

  // Remember which passage a form inside it is about to replace, to focus it again.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const passage = event.detail.elt.closest && event.detail.elt.closest(".passage");
    if (passage) swappedPassageId = passage.id;
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!swappedPassageId) return;
    const passage = document.getElementById(swappedPassageId);
    swappedPassageId = null;
    if (passage) passage.focus({ preventScroll: true });
  });
  document.addEventListener("tag-status", (event) => announce(event.detail.message, false));
  document.addEventListener("htmx:responseError", (event) => {
    // Our refusals are one line of plain text; anything else (a whole error page) is not
    // for a toast.
    const xhr = event.detail.xhr;
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    announce(plain && xhr.responseText ? xhr.responseText : "That did not work. Please try again.", true);
  });
  document.addEventListener("htmx:sendError", () => {
    announce("The server could not be reached. Please try again.", true);
  });
})();
