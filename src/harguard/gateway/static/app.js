// harguard web page: drag-and-drop upload with progress, the upload's findings, new cases.
// Plain JS, no build step. Text from the server is only ever set with textContent.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function humanBytes(n) {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
}

function errorText(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (typeof body.detail === "string") return body.detail;
    return JSON.stringify(body.detail);
  } catch (e) {
    return "upload failed (HTTP " + xhr.status + ")";
  }
}

function renderFile(file) {
  const box = el("div", null, { class: "result", "data-file-id": file.id });
  const title = el("h3");
  title.appendChild(el("a", file.name, { href: "/files/" + file.id }));
  box.appendChild(title);
  const s = file.summary;
  box.appendChild(el("p", s.findings + " findings removed (" + s.unique_secrets + " distinct values) · " +
    humanBytes(file.input_bytes) + " in, " + humanBytes(file.output_bytes) + " sanitized", { class: "summary" }));
  const kinds = el("table", null, { class: "grid by-kind" });
  const head = kinds.createTHead().insertRow();
  head.appendChild(el("th", "Kind")); head.appendChild(el("th", "Count"));
  const body = kinds.createTBody();
  for (const [kind, count] of Object.entries(s.by_kind)) {
    const row = body.insertRow();
    row.appendChild(el("td", kind)); row.appendChild(el("td", count));
  }
  box.appendChild(kinds);
  const list = el("table", null, { class: "grid findings" });
  const lh = list.createTHead().insertRow();
  for (const h of ["Location", "Kind", "Fingerprint"]) lh.appendChild(el("th", h));
  const lb = list.createTBody();
  for (const f of (file.findings || []).slice(0, 50)) {
    const row = lb.insertRow();
    row.appendChild(el("td", f.location, { class: "loc" }));
    row.appendChild(el("td", f.kind));
    const fp = el("td"); fp.appendChild(el("code", f.fingerprint.slice(0, 12), { title: f.fingerprint }));
    row.appendChild(fp);
  }
  box.appendChild(list);
  if (s.findings > 50) box.appendChild(el("p", "… see all " + s.findings + " on the file page.", { class: "muted" }));
  const actions = el("p");
  actions.appendChild(el("a", "Download sanitized file", { href: file.download_url, class: "button download", download: "" }));
  box.appendChild(actions);
  return box;
}

function upload(card, files) {
  const caseId = card.dataset.caseId;
  const maxBytes = Number(card.dataset.maxBytes);
  const status = document.getElementById("upload-status");
  const progress = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const error = document.getElementById("upload-error");
  const results = document.getElementById("results");
  error.hidden = true;
  let total = 0;
  const form = new FormData();
  for (const f of files) { form.append("file", f, f.name); total += f.size; }
  if (total > maxBytes) {
    error.textContent = "These files are " + humanBytes(total) + "; the limit is " + humanBytes(maxBytes) + ".";
    error.hidden = false;
    return;
  }
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/v1/cases/" + encodeURIComponent(caseId) + "/files");
  xhr.setRequestHeader("X-CSRF-Token", csrfToken());
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    progress.value = Math.round((e.loaded / e.total) * 100);
    text.textContent = "Uploading… " + humanBytes(e.loaded) + " of " + humanBytes(e.total);
  };
  xhr.upload.onload = () => { progress.removeAttribute("value"); text.textContent = "Sanitizing…"; };
  xhr.onerror = () => { status.hidden = true; error.textContent = "The connection failed."; error.hidden = false; };
  xhr.onload = () => {
    status.hidden = true;
    if (xhr.status === 201) {
      const answer = JSON.parse(xhr.responseText);
      results.replaceChildren(el("h3", "Sanitized " + answer.files.length + " file(s)", { id: "upload-done" }),
        ...answer.files.map(renderFile));
    } else {
      error.textContent = errorText(xhr);
      error.hidden = false;
    }
  };
  progress.value = 0;
  text.textContent = "Uploading…";
  status.hidden = false;
  xhr.send(form);
}

function setupUpload() {
  const card = document.getElementById("upload-card");
  if (!card) return;
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("file-input");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer && e.dataTransfer.files.length) upload(card, e.dataTransfer.files);
  });
  zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
  input.addEventListener("change", () => { if (input.files.length) upload(card, input.files); input.value = ""; });
}

function setupNewCase() {
  const form = document.getElementById("new-case");
  if (!form) return;
  const error = document.getElementById("new-case-error");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = { org: data.get("org"), title: data.get("title") };
    if (data.get("ref")) body.ref = data.get("ref");
    const response = await fetch("/api/v1/cases", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status === 201) { window.location.href = "/cases/" + answer.id; return; }
    error.textContent = typeof answer.detail === "string" ? answer.detail : "could not open the case";
    error.hidden = false;
  });
}

document.addEventListener("DOMContentLoaded", () => { setupUpload(); setupNewCase(); });
