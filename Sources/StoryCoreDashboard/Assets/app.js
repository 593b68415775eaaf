// ComfyBridge dashboard page: renders the server's snapshot, then applies the event socket's
// messages one by one. Plain ES module, no framework, no network beyond this server.
// The message and JSON shapes are those of notes/dashboard-api.md (see the README's Dashboard section).

const STATUSES = ["pending", "queued", "running", "completed", "kept", "failed"];
const MAX_NOTICES = 200;
const BAR_ORDER = ["completed", "kept", "failed", "running", "queued"];  // pending is the empty rest
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10000;

/** Everything the page knows, replaced by each snapshot and changed by each message. */
const model = {
  project: null,
  run: null,
  runReceivedAt: 0,
  panels: new Map(),      // panel_id -> Panel
  order: [],              // panel ids in storyboard order
  servers: new Map(),     // url -> Server
  notices: [],            // oldest first
  filter: null,           // a status shown alone, or null
};

/** Per-tile view state the server does not know: the version and file shown, the redo form. */
const views = new Map();  // panel_id -> {pinnedVersion, fileIndex, shownVersion}

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setText(node, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (node.textContent !== value) node.textContent = value;
}

function setAttr(node, name, value) {
  if (value === null || value === undefined || value === false) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else {
    const text = value === true ? "" : String(value);
    if (node.getAttribute(name) !== text) node.setAttribute(name, text);
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}

function gib(bytes) {
  return (bytes / 1073741824).toFixed(1);
}

function hostOf(url) {
  if (!url) return "";
  try {
    const parsed = new URL(url);
    return parsed.host + (parsed.pathname && parsed.pathname !== "/" ? parsed.pathname : "");
  } catch {
    return url;
  }
}

function clock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

function statusLabel(panel) {
  switch (panel.status) {
    case "queued":
      return panel.queue_position !== null && panel.queue_position !== undefined
        ? `queued #${panel.queue_position}` : "queued";
    case "running":
      return panel.step !== null && panel.step !== undefined && panel.total_steps
        ? `running ${panel.step}/${panel.total_steps}` : "running";
    default:
      return panel.status;
  }
}

/** Parses a message, keeping 64-bit seeds exact (as strings) where the browser gives the source text. */
function parseJSON(text) {
  return JSON.parse(text, function (key, value, context) {
    if (key === "seed" && typeof value === "number" && context && typeof context.source === "string") {
      return context.source;
    }
    return value;
  });
}

// ---------------------------------------------------------------------------------------------
// Actions

function toast(text, level = "info") {
  const node = el("div", { class: `toast ${level}`, role: level === "error" ? "alert" : "status" }, text);
  $("toasts").append(node);
  setTimeout(() => node.classList.add("leaving"), 5000);
  setTimeout(() => node.remove(), 5600);
}

/** Posts an action as JSON; `body` is a JSON text (seeds may exceed JavaScript's safe integers). */
async function post(action, body, button) {
  if (button) button.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(`/api/actions/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      credentials: "same-origin",
    });
    if (!response.ok) {
      let reason = `${response.status} ${response.statusText}`;
      try {
        const reply = await response.json();
        if (reply && reply.error) reason = reply.error;
      } catch { /* not JSON */ }
      toast(`${action}: ${reason}`, "error");
      return false;
    }
    return true;
  } catch (error) {
    toast(`${action}: ${error.message || error}`, "error");
    return false;
  } finally {
    if (button) button.removeAttribute("aria-busy");
  }
}

function panelBody(panelID, extra = "") {
  return `{"panel_id":${JSON.stringify(panelID)}${extra}}`;
}

function review(panelID, verdict, button) {
  const view = viewOf(panelID);
  const version = view.shownVersion;
  const extra = Number.isInteger(version) ? `,"version":${version}` : "";
  post(verdict, panelBody(panelID, extra), button);
}

function redo(panelID, tile, button) {
  const seedInput = tile.querySelector('[data-role="redo-seed"]');
  const promptInput = tile.querySelector('[data-role="redo-prompt"]');
  const seed = seedInput.value.trim();
  const prompt = promptInput.value.trim();
  if (seed !== "" && !/^\d{1,20}$/.test(seed)) {
    toast(`redo ${panelID}: the seed must be a whole number`, "error");
    seedInput.focus();
    return;
  }
  let extra = "";
  if (seed !== "") extra += `,"seed":${seed}`;
  if (prompt !== "") extra += `,"prompt":${JSON.stringify(prompt)}`;
  post("redo", panelBody(panelID, extra), button).then((ok) => {
    if (!ok) return;
    seedInput.value = "";
    promptInput.value = "";
    toggleRedoForm(tile, false);
    viewOf(panelID).pinnedVersion = null;
  });
}

// ---------------------------------------------------------------------------------------------
// Run header

function runElapsed(now = performance.now()) {
  const run = model.run;
  if (!run) return null;
  const base = run.elapsed_seconds ?? 0;
  return run.state === "idle" ? base : base + (now - model.runReceivedAt) / 1000;
}

function runETA(now = performance.now()) {
  const run = model.run;
  if (!run || run.state === "idle" || run.eta_seconds === null || run.eta_seconds === undefined) return null;
  return Math.max(0, run.eta_seconds - (now - model.runReceivedAt) / 1000);
}

function setRun(run) {
  if (!run) return;
  model.run = run;
  model.runReceivedAt = performance.now();
  renderRun();
}

function renderRun() {
  const run = model.run;
  if (!run) return;
  const header = $("run");
  setAttr(header, "data-run-state", run.state);
  setAttr(header, "data-done", run.done);
  setAttr(header, "data-total", run.total);
  const stateNode = $("run-state");
  setText(stateNode, run.state);
  stateNode.className = `run-state ${run.state}`;
  setText($("run-done"), run.done);
  setText($("run-total"), run.total);
  const percent = run.total > 0 ? Math.round((run.done / run.total) * 100) : 0;
  setText($("run-percent"), run.total > 0 ? `· ${percent}%` : "");
  const bar = $("run-bar");
  setAttr(bar, "aria-valuenow", percent);
  if (!bar.firstChild) {
    for (const status of BAR_ORDER) bar.append(el("span", { class: `segment ${status}`, title: status }));
  }
  for (const status of BAR_ORDER) {
    const count = run.counts?.[status] ?? 0;
    const segment = bar.querySelector(`.segment.${status}`);
    segment.style.width = run.total > 0 ? `${(count / run.total) * 100}%` : "0";
    setAttr(segment, "title", `${status}: ${count}`);
  }
  renderTimes();

  const counts = $("counts");
  if (!counts.firstChild) {
    for (const status of STATUSES) {
      counts.append(el("button", {
        type: "button", class: `count ${status}`, "data-count": status, "aria-pressed": "false",
        title: `Show only ${status} panels`,
        onclick: () => setFilter(model.filter === status ? null : status),
      }, el("span", { class: "dot" }), el("span", { class: "count-label", text: status }), el("strong", { text: "0" })));
    }
  }
  for (const status of STATUSES) {
    const chip = counts.querySelector(`[data-count="${status}"]`);
    const value = run.counts?.[status] ?? 0;
    setText(chip.querySelector("strong"), value);
    chip.classList.toggle("zero", value === 0);
  }

  const idle = run.state === "idle";
  document.querySelector('[data-action="start"]').disabled = !idle;
  document.querySelector('[data-action="stop"]').disabled = run.state !== "rendering";
  for (const button of document.querySelectorAll('.tile [data-action="redo"]')) button.disabled = !idle;
  const project = model.project?.id ?? "";
  document.title = `${run.state === "idle" ? "" : `${run.done}/${run.total} · `}${project} · ComfyBridge`;
}

function renderTimes() {
  const now = performance.now();
  setText($("run-elapsed"), model.run && (model.run.run_id || model.run.state !== "idle") ? duration(runElapsed(now)) : "—");
  setText($("run-eta"), duration(runETA(now)));
}

function setFilter(status) {
  model.filter = status;
  for (const chip of document.querySelectorAll("[data-count]")) {
    chip.setAttribute("aria-pressed", String(chip.dataset.count === status));
  }
  applyFilter();
}

function applyFilter() {
  let shown = 0;
  for (const tile of $("grid").children) {
    const visible = !model.filter || tile.dataset.status === model.filter;
    tile.hidden = !visible;
    if (visible) shown += 1;
  }
  $("empty").hidden = shown > 0 || model.order.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Tiles

function viewOf(panelID) {
  let view = views.get(panelID);
  if (!view) {
    view = { pinnedVersion: null, fileIndex: 0, shownVersion: null, lastVersion: null };
    views.set(panelID, view);
  }
  return view;
}

function tileOf(panelID) {
  return $("grid").querySelector(`.tile[data-panel-id="${CSS.escape(panelID)}"]`);
}

function buildTile(panel) {
  const id = panel.panel_id;
  const tile = el("article", { class: "tile", "data-panel-id": id, "data-status": panel.status, "data-version": panel.version });
  const media = el("div", { class: "media", "data-role": "media" },
    el("div", { class: "placeholder", "data-role": "placeholder" },
      el("span", { class: "placeholder-icon", "aria-hidden": "true" }), el("span", { class: "placeholder-text" })),
    el("span", { class: "live-tag", hidden: true, text: "live" }),
    el("span", { class: "review-badge", "data-role": "review", hidden: true }),
    el("span", { class: "quality-badge", "data-role": "quality", hidden: true }),
    el("div", { class: "step-bar", hidden: true }, el("div", { class: "step-fill" })),
  );
  const seedInput = el("input", {
    type: "text", inputmode: "numeric", "data-role": "redo-seed", placeholder: "seed (empty = keep)",
    "aria-label": `New seed for ${id}`, autocomplete: "off",
  });
  const promptInput = el("textarea", {
    rows: "3", "data-role": "redo-prompt", placeholder: "prompt (empty = keep)", "aria-label": `New prompt for ${id}`,
  });
  const redoButton = el("button", {
    type: "button", class: "btn small", "data-action": "redo", title: "Render this panel again as a new version",
    onclick: (event) => redo(id, tile, event.currentTarget),
  }, "Redo");
  tile.append(
    el("header", { class: "tile-head" },
      el("div", { class: "ids" }, el("span", { class: "panel-id", text: id }), el("span", { class: "shot-id" })),
      el("span", { class: "status", "data-role": "status" })),
    media,
    el("div", { class: "tile-body" },
      el("details", { class: "prompt" }, el("summary", { "data-role": "prompt" })),
      el("div", { class: "meta" },
        el("span", { class: "seed", title: "seed" }),
        el("span", { class: "server", "data-role": "server" }),
        el("span", { class: "node", "data-role": "node" }),
        el("div", { class: "switchers" },
          el("div", { class: "files", role: "group", "aria-label": "Images of this version" }),
          el("div", { class: "versions", role: "group", "aria-label": "Versions" }))),
      el("div", { class: "failure", "data-role": "failure", hidden: true },
        el("div", { class: "failure-kind" }), el("div", { class: "failure-message" }), el("div", { class: "failure-suggestion" })),
      el("ul", { class: "notes", "data-role": "notes" })),
    el("footer", { class: "tile-foot" },
      el("div", { class: "actions" },
        el("button", {
          type: "button", class: "btn small approve", "data-action": "approve", title: "Approve the version shown",
          onclick: (event) => review(id, "approve", event.currentTarget),
        }, "Approve"),
        el("button", {
          type: "button", class: "btn small reject", "data-action": "reject", title: "Reject the version shown",
          onclick: (event) => review(id, "reject", event.currentTarget),
        }, "Reject"),
        el("span", { class: "spacer" }),
        redoButton,
        el("button", {
          type: "button", class: "btn small icon", "data-role": "redo-options", "aria-expanded": "false",
          title: "Redo with a new seed or prompt", "aria-label": `Redo options for ${id}`,
          onclick: () => toggleRedoForm(tile),
        }, "⋯"))),
    el("div", { class: "redo-form", "data-role": "redo-form", hidden: true },
      el("div", { class: "redo-form-title" }, "Redo as a new version with:"), seedInput, promptInput),
  );
  return tile;
}

function toggleRedoForm(tile, open) {
  const form = tile.querySelector('[data-role="redo-form"]');
  const toggle = tile.querySelector('[data-role="redo-options"]');
  const show = open === undefined ? form.hidden : open;
  form.hidden = !show;
  toggle.setAttribute("aria-expanded", String(show));
  if (!show) return;
  // Empty fields keep the panel's seed and prompt: show them as the placeholders.
  const panel = model.panels.get(tile.dataset.panelId);
  if (panel) {
    form.querySelector('[data-role="redo-seed"]').placeholder = `seed (empty keeps ${panel.seed})`;
    form.querySelector('[data-role="redo-prompt"]').placeholder = `prompt (empty keeps: ${panel.prompt})`;
  }
  form.querySelector('[data-role="redo-seed"]').focus();
}

/** The version shown: the one the viewer picked, else the current one, else the newest with files. */
function shownVersion(panel, view) {
  const versions = panel.versions ?? [];
  if (view.pinnedVersion !== null && versions.some((v) => v.version === view.pinnedVersion)) return view.pinnedVersion;
  return panel.version;
}

function filesOf(panel, version) {
  return (panel.versions ?? []).find((v) => v.version === version)?.files ?? [];
}

function updateTile(tile, panel) {
  const id = panel.panel_id;
  const view = viewOf(id);
  if (view.lastVersion !== null && view.lastVersion !== panel.version) {
    view.pinnedVersion = null;
    view.fileIndex = 0;
  }
  view.lastVersion = panel.version;
  const version = shownVersion(panel, view);
  view.shownVersion = version;
  const files = filesOf(panel, version);
  if (view.fileIndex >= files.length) view.fileIndex = 0;

  setAttr(tile, "data-status", panel.status);
  setAttr(tile, "data-version", panel.version);
  setAttr(tile, "data-review", panel.review?.verdict ?? null);
  setText(tile.querySelector(".shot-id"), panel.shot_id ?? "master");
  const status = tile.querySelector('[data-role="status"]');
  setText(status, statusLabel(panel));
  status.className = `status ${panel.status}`;

  const prompt = tile.querySelector('[data-role="prompt"]');
  setText(prompt, panel.prompt);
  setAttr(prompt, "title", panel.prompt);
  setText(tile.querySelector(".seed"), `seed ${panel.seed}`);
  const server = tile.querySelector('[data-role="server"]');
  setText(server, panel.server ? hostOf(panel.server) : "");
  setAttr(server, "title", panel.server);
  setText(tile.querySelector('[data-role="node"]'), panel.status === "running" && panel.node ? `node ${panel.node}` : "");

  renderMedia(tile, panel, view, version, files);
  renderFailure(tile, panel);
  renderNotes(tile, panel);
  renderVersions(tile, panel, version);
  renderFiles(tile, panel, view, files);

  const reviewNode = tile.querySelector('[data-role="review"]');
  if (panel.review) {
    reviewNode.hidden = false;
    reviewNode.className = `review-badge ${panel.review.verdict}`;
    setText(reviewNode, `${panel.review.verdict === "approved" ? "✓ approved" : "✕ rejected"} v${panel.review.version}`);
  } else {
    reviewNode.hidden = true;
  }
  // The quality gate's verdict on the shown version: the first file's that is not ok, else ok.
  const qualityNode = tile.querySelector('[data-role="quality"]');
  const verdicts = files.map((file) => file.quality?.verdict).filter(Boolean);
  const verdict = verdicts.find((v) => v !== "ok") ?? verdicts[0];
  setAttr(tile, "data-quality", verdict ?? null);
  if (verdict) {
    qualityNode.hidden = false;
    qualityNode.className = `quality-badge ${verdict === "ok" ? "ok" : "failing"}`;
    setText(qualityNode, verdict === "ok" ? "qa ok" : `qa ${verdict.replace("_", " ")}`);
    qualityNode.title = `quality verdict ${verdict}, sharpness ${files.find((f) => f.quality)?.quality?.sharpness?.toFixed(1) ?? "?"}`;
  } else {
    qualityNode.hidden = true;
  }
  const hasFiles = files.length > 0;
  for (const action of ["approve", "reject"]) {
    const button = tile.querySelector(`[data-action="${action}"]`);
    button.disabled = !hasFiles;
    const verdict = action === "approve" ? "approved" : "rejected";
    button.setAttribute("aria-pressed", String(panel.review?.verdict === verdict && panel.review?.version === version));
  }
  tile.querySelector('[data-action="redo"]').disabled = model.run ? model.run.state !== "idle" : false;
}

function renderMedia(tile, panel, view, version, files) {
  const media = tile.querySelector('[data-role="media"]');
  const placeholder = media.querySelector('[data-role="placeholder"]');
  const live = media.querySelector(".live-tag");
  const stepBar = media.querySelector(".step-bar");
  const active = panel.status === "running" || panel.status === "queued";
  const showPreview = panel.status === "running" && panel.preview_url && version === panel.version;
  const file = files[view.fileIndex] ?? null;

  // The live preview: the newest frame replaces the shown one once it has loaded (no flicker).
  let preview = media.querySelector('img[data-role="preview"]');
  if (showPreview) {
    if (!preview || preview.dataset.src !== panel.preview_url) loadPreview(media, panel.preview_url);
  } else if (preview) {
    preview.remove();
    preview = null;
  }

  // The output of the version shown (also shown dimmed under a queued/running redo of another version).
  let output = media.querySelector('[data-role="output"]');
  const wantOutput = file && !showPreview;
  if (wantOutput) {
    // Videos play in <video>, audio in <audio>; animated WEBP, PNG and GIF play in <img> by themselves.
    const type = file.media_type ?? "";
    const tag = type.startsWith("video/") ? "VIDEO" : type.startsWith("audio/") ? "AUDIO" : "IMG";
    if (!output || output.dataset.src !== file.url || output.tagName !== tag) {
      output?.closest("a, .output-audio")?.remove();
      const label = `${panel.panel_id} version ${version}`;
      if (tag === "VIDEO") {
        output = el("video", { "data-role": "output", src: file.url, autoplay: true, loop: true, muted: true, playsinline: true, preload: "metadata", "aria-label": label });
        output.muted = true;
      } else if (tag === "AUDIO") {
        output = el("audio", { "data-role": "output", src: file.url, controls: true, preload: "metadata", "aria-label": label });
      } else {
        output = el("img", { "data-role": "output", src: file.url, loading: "lazy", decoding: "async", alt: label });
      }
      output.dataset.src = file.url;
      output.dataset.mediaType = type;
      // An <audio> keeps its own controls: it is not wrapped in a link (a click would open the file).
      const holder = tag === "AUDIO"
        ? el("div", { class: "output-audio" }, output)
        : el("a", { href: file.url, target: "_blank", rel: "noopener", class: "output-link", title: "Open full size" }, output);
      media.prepend(holder);
    }
    output.classList.toggle("stale", active && version === panel.version);
  } else if (output) {
    output.closest("a, .output-audio")?.remove();
    output = null;
  }

  const showPlaceholder = !preview && !output;
  placeholder.hidden = !showPlaceholder;
  if (showPlaceholder) {
    placeholder.dataset.kind = panel.status;
    const text = panel.status === "failed" ? "failed"
      : panel.status === "running" ? (panel.step ? `step ${panel.step}/${panel.total_steps ?? "?"}` : "starting")
      : panel.status === "queued" ? statusLabel(panel)
      : version !== panel.version ? `no image for v${version}` : "pending";
    setText(placeholder.querySelector(".placeholder-text"), text);
  }
  live.hidden = !preview;
  const fraction = panel.status === "running" && panel.total_steps ? Math.min(1, (panel.step ?? 0) / panel.total_steps) : null;
  stepBar.hidden = fraction === null;
  if (fraction !== null) stepBar.firstChild.style.width = `${Math.round(fraction * 100)}%`;
}

function loadPreview(media, url) {
  if (media.dataset.previewLoading === url) return;
  media.dataset.previewLoading = url;
  const next = new Image();
  next.decoding = "async";
  next.alt = "live preview";
  next.onload = () => {
    if (media.dataset.previewLoading !== url) return;   // a newer frame is on its way
    delete media.dataset.previewLoading;
    const tile = media.closest(".tile");
    const panel = tile && model.panels.get(tile.dataset.panelId);
    if (!panel || panel.status !== "running") return;  // finished while the frame loaded
    next.setAttribute("data-role", "preview");
    next.dataset.src = url;
    const current = media.querySelector('img[data-role="preview"]');
    if (current) current.replaceWith(next);
    else media.prepend(next);
    updateTile(tile, panel);
  };
  next.onerror = () => {
    if (media.dataset.previewLoading === url) delete media.dataset.previewLoading;
  };
  next.src = url;
}

function renderFailure(tile, panel) {
  const box = tile.querySelector('[data-role="failure"]');
  const failure = panel.status === "failed" ? panel.failure : null;
  box.hidden = !failure;
  if (!failure) return;
  setText(box.querySelector(".failure-kind"), (failure.kind ?? "failed").replaceAll("_", " "));
  setText(box.querySelector(".failure-message"), failure.message ?? failure.description ?? "");
  const suggestion = box.querySelector(".failure-suggestion");
  setText(suggestion, failure.suggestion ?? "");
  suggestion.hidden = !failure.suggestion;
}

function renderNotes(tile, panel) {
  const list = tile.querySelector('[data-role="notes"]');
  const notes = panel.notes ?? [];
  const key = notes.join("\n");
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...notes.map((note) => el("li", { title: note }, note)));
}

function renderVersions(tile, panel, shown) {
  const box = tile.querySelector(".versions");
  const versions = (panel.versions ?? []).map((v) => v.version);
  if (!versions.includes(panel.version)) versions.push(panel.version);
  versions.sort((a, b) => a - b);
  const key = `${versions.join(",")}|${shown}|${panel.version}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...versions.map((version) => el("button", {
    type: "button", class: `version${version === shown ? " shown" : ""}${version === panel.version ? " current" : ""}`,
    "data-role": "version", "data-version": version, "aria-pressed": String(version === shown),
    title: version === panel.version ? `version ${version} (current)` : `version ${version}`,
    onclick: () => {
      const view = viewOf(panel.panel_id);
      const current = model.panels.get(panel.panel_id);
      view.pinnedVersion = version === current?.version ? null : version;
      view.fileIndex = 0;
      if (current) updateTile(tile, current);
    },
  }, `v${version}`)));
}

function renderFiles(tile, panel, view, files) {
  const box = tile.querySelector(".files");
  const key = `${files.length}|${view.fileIndex}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.hidden = files.length < 2;
  box.replaceChildren(...(files.length < 2 ? [] : files.map((file, index) => el("button", {
    type: "button", class: `file${index === view.fileIndex ? " shown" : ""}`, "data-role": "file", "data-index": index,
    "aria-pressed": String(index === view.fileIndex), title: `image ${index + 1} of ${files.length}`,
    onclick: () => {
      viewOf(panel.panel_id).fileIndex = index;
      const current = model.panels.get(panel.panel_id);
      if (current) updateTile(tile, current);
    },
  }, String(index + 1)))));
}

function setPanel(panel) {
  if (!panel || !panel.panel_id) return;
  model.panels.set(panel.panel_id, panel);
  let tile = tileOf(panel.panel_id);
  if (!tile) {
    // A panel the snapshot did not list: append it (the next snapshot restores the order).
    model.order.push(panel.panel_id);
    tile = buildTile(panel);
    $("grid").append(tile);
  }
  updateTile(tile, panel);
  if (model.filter) applyFilter();
}

// ---------------------------------------------------------------------------------------------
// Servers and notices

function setServer(server) {
  if (!server || !server.url) return;
  model.servers.set(server.url, server);
  const box = $("servers");
  let card = [...box.children].find((node) => node.dataset.server === server.url);
  if (!card) {
    card = el("article", { class: "server-card", "data-server": server.url },
      el("div", { class: "server-head" },
        el("span", { class: "server-dot", "aria-hidden": "true" }),
        el("span", { class: "server-name", text: hostOf(server.url), title: server.url }),
        el("span", { class: "server-state" })),
      el("div", { class: "server-device" }),
      el("div", { class: "server-reason" }),
      el("div", { class: "vram" },
        el("div", { class: "vram-label" }, el("span", { text: "VRAM" }), el("span", { class: "vram-figures" })),
        el("div", { class: "bar thin" }, el("div", { class: "bar-fill" }))),
      el("dl", { class: "server-stats" },
        el("div", {}, el("dt", { text: "queue" }), el("dd", { class: "stat-queue" })),
        el("div", {}, el("dt", { text: "running" }), el("dd", { class: "stat-panel" })),
        el("div", {}, el("dt", { text: "done" }), el("dd", { class: "stat-done" })),
        el("div", {}, el("dt", { text: "mean job" }), el("dd", { class: "stat-mean" }))));
    box.append(card);
  }
  setAttr(card, "data-state", server.state);
  setText(card.querySelector(".server-state"), server.state);
  setText(card.querySelector(".server-device"), server.device ?? (server.state === "up" ? "device unknown" : ""));
  const reason = card.querySelector(".server-reason");
  setText(reason, server.state === "down" ? server.reason ?? "not answering" : "");
  reason.hidden = server.state !== "down";
  const hasVRAM = server.vram_total !== null && server.vram_total !== undefined && server.vram_total > 0;
  const vram = card.querySelector(".vram");
  vram.hidden = !hasVRAM;
  if (hasVRAM) {
    const used = server.vram_used ?? 0;
    setText(vram.querySelector(".vram-figures"), `${gib(used)} / ${gib(server.vram_total)} GiB`);
    const share = Math.min(1, used / server.vram_total);
    vram.querySelector(".bar-fill").style.width = `${Math.round(share * 100)}%`;
    vram.querySelector(".bar").classList.toggle("high", share > 0.9);
  }
  setText(card.querySelector(".stat-queue"), server.queue_length ?? "—");
  setText(card.querySelector(".stat-panel"), server.panel_id ?? "—");
  setText(card.querySelector(".stat-done"), server.prompts_done ?? 0);
  setText(card.querySelector(".stat-mean"), server.mean_job_seconds === null || server.mean_job_seconds === undefined
    ? "—" : `${Number(server.mean_job_seconds).toFixed(1)} s`);
}

function noticeNode(notice) {
  return el("li", { class: `notice ${notice.level}`, "data-role": "notice", "data-level": notice.level,
    "data-panel-id": notice.panel_id ?? null },
    el("time", { datetime: notice.at, text: clock(notice.at) }),
    el("span", { class: "notice-text", text: notice.text }));
}

function addNotice(notice) {
  if (!notice) return;
  model.notices.push(notice);
  const list = $("notices");
  list.prepend(noticeNode(notice));
  while (model.notices.length > MAX_NOTICES) {
    model.notices.shift();
    list.lastElementChild?.remove();
  }
  renderNoticeCount();
}

function renderNoticeCount() {
  const errors = model.notices.filter((n) => n.level === "error").length;
  setText($("notice-count"), model.notices.length ? `${model.notices.length}${errors ? ` · ${errors} error${errors === 1 ? "" : "s"}` : ""}` : "");
}

// ---------------------------------------------------------------------------------------------
// Snapshot and messages

function applySnapshot(snapshot) {
  model.project = snapshot.project ?? null;
  const project = $("project");
  setText(project, model.project ? model.project.id : "");
  setAttr(project, "title", model.project?.path);

  const grid = $("grid");
  const panels = snapshot.panels ?? [];
  model.panels = new Map(panels.map((p) => [p.panel_id, p]));
  model.order = panels.map((p) => p.panel_id);
  const existing = new Map([...grid.children].map((tile) => [tile.dataset.panelId, tile]));
  panels.forEach((panel, index) => {
    let tile = existing.get(panel.panel_id);
    existing.delete(panel.panel_id);
    if (!tile) tile = buildTile(panel);
    if (grid.children[index] !== tile) grid.insertBefore(tile, grid.children[index] ?? null);
    updateTile(tile, panel);
  });
  for (const [id, tile] of existing) {
    tile.remove();
    views.delete(id);
  }

  model.servers = new Map();
  const servers = $("servers");
  const keep = new Set((snapshot.servers ?? []).map((s) => s.url));
  for (const card of [...servers.children]) if (!keep.has(card.dataset.server)) card.remove();
  for (const server of snapshot.servers ?? []) setServer(server);
  if (!(snapshot.servers ?? []).length) servers.replaceChildren(el("p", { class: "muted", text: "no server" }));
  else servers.querySelector("p.muted")?.remove();

  model.notices = (snapshot.notices ?? []).slice(-MAX_NOTICES);
  $("notices").replaceChildren(...model.notices.slice().reverse().map(noticeNode));
  renderNoticeCount();

  setRun(snapshot.run);
  applyFilter();
}

function handle(message) {
  switch (message.type) {
    case "snapshot":
      applySnapshot(message.snapshot);
      break;
    case "event":
    case "panel":
      if (message.panel) setPanel(message.panel);
      if (message.run) setRun(message.run);
      break;
    case "run":
      setRun(message.run);
      break;
    case "server":
      setServer(message.server);
      break;
    case "notice":
      addNotice(message.notice);
      break;
    case "preview": {
      const panel = model.panels.get(message.panel_id);
      if (panel) setPanel({ ...panel, preview_url: message.url });
      break;
    }
    default:
      break;  // unknown types are ignored
  }
}

// ---------------------------------------------------------------------------------------------
// The socket: one per page, reconnecting with backoff; every connection starts with a snapshot.

let attempts = 0;
let socket = null;
let retryTimer = null;

function setConnection(stateName, text) {
  const node = $("connection");
  node.dataset.connection = stateName;
  setText(node, text);
  document.body.classList.toggle("offline", stateName !== "live");
}

function connect() {
  clearTimeout(retryTimer);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  setConnection("connecting", attempts ? "reconnecting…" : "connecting…");
  const ws = new WebSocket(`${scheme}//${location.host}/api/events`);
  socket = ws;
  ws.addEventListener("message", (event) => {
    if (socket !== ws) return;
    let message;
    try {
      message = parseJSON(event.data);
    } catch {
      return;  // not JSON: ignore
    }
    if (message.type === "snapshot") {
      attempts = 0;
      setConnection("live", "live");
      hideBanner();
    }
    try {
      handle(message);
    } catch (error) {
      console.error("dashboard: could not apply a message", message, error);
    }
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return;
    socket = null;
    scheduleReconnect();
  });
}

function scheduleReconnect() {
  attempts += 1;
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (attempts - 1));
  const delay = Math.round(base * (0.75 + Math.random() * 0.5));
  const until = Date.now() + delay;
  const countdown = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    setConnection("offline", `offline · retry in ${left} s`);
  };
  countdown();
  const ticker = setInterval(countdown, 1000);
  retryTimer = setTimeout(() => {
    clearInterval(ticker);
    connect();
  }, delay);
  explainDisconnect();
}

/** After a lost socket, asks the snapshot route why (a token is needed, or the server is gone). */
async function explainDisconnect() {
  try {
    const response = await fetch("/api/snapshot", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401 || response.status === 403) {
      showBanner("This dashboard needs its access token: open the address comfybridge printed (it ends in ?token=…).");
    } else if (response.ok) {
      hideBanner();
    }
  } catch {
    showBanner("The dashboard server is not answering; the page reconnects when it is back.");
  }
}

function showBanner(text) {
  const banner = $("banner");
  setText(banner, text);
  banner.hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

// ---------------------------------------------------------------------------------------------

function start() {
  document.querySelector('[data-action="start"]').addEventListener("click", (event) => post("start", "{}", event.currentTarget));
  document.querySelector('[data-action="stop"]').addEventListener("click", (event) => post("stop", "{}", event.currentTarget));
  setInterval(renderTimes, 1000);
  connect();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
