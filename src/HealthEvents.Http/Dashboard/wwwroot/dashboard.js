// The HealthEvents dashboard: summary first (/v1/summary), then one space at a time — its charts
// (/v1/tenants/usage), the checks waiting and why (/v1/checks), a filtered, paged node list (/v1/nodes), a node's timeline (/v1/nodes/history)
// and the feed of changes (/v1/events), every few seconds with the key typed in. The API pages and
// filters; the page never holds a whole space. Every value from the API is put on the page as text.
"use strict";

const pollMilliseconds = 2500;
const feedLookBackMilliseconds = 60 * 60 * 1000;
const pageSize = 50;
const svgNs = "http://www.w3.org/2000/svg";
const state = {
  apiKey: sessionStorage.getItem("healthevents-key") || "",
  space: null, filters: { status: "", type: "", search: "" },
  pageToken: null, nextToken: null, node: null, feedSeen: new Set(), feedSince: null, timer: null,
};

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function badge(status) {
  const known = { AVAILABLE: "available", LIMITED: "limited", BLOCKED: "blocked" }[status] || "other";
  return element("span", { class: `badge badge-${known}`, "data-status": status }, status);
}

function verdictBadge(verdict) {
  const known = { Go: "available", Hold: "limited", Stop: "blocked" }[verdict] || "other";
  return element("span", { class: `badge badge-${known}`, "data-verdict": verdict }, verdict);
}

async function api(path, parameters = {}) {
  const query = new URLSearchParams(Object.entries(parameters).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const response = await fetch(`${path}?${query}`, { headers: { "X-Api-Key": state.apiKey } });
  const body = await response.json();
  if (!body.Success) throw new Error(`${body.Code}: ${body.Message}${body.AccessDeniedDetail && body.AccessDeniedDetail !== "None" ? " " + body.AccessDeniedDetail : ""}`);
  return body.Data;
}

function nodeName(node) {
  if (node.PhoneNumber) return node.PhoneNumber;
  if (node.TemplateCode) return `${node.TemplateCode} (${node.Language || "?"})`;
  return "";
}

// ---- summary ----

function renderSummary(summary) {
  if (unchanged("summary", [summary, state.space])) return;
  const total = summary.Total;
  const card = (label, count, key) => element("div", { class: "card", "data-count": key }, element("strong", {}, count ?? 0), element("span", {}, label));
  document.getElementById("total").replaceChildren(
    card("nodes", total.Nodes, "Nodes"),
    card("BLOCKED", total.ByStatus.BLOCKED, "BLOCKED"), card("LIMITED", total.ByStatus.LIMITED, "LIMITED"), card("AVAILABLE", total.ByStatus.AVAILABLE, "AVAILABLE"),
    card("Stop", total.ByVerdict.Stop, "Stop"), card("Hold", total.ByVerdict.Hold, "Hold"), card("Go", total.ByVerdict.Go, "Go"),
    card("changed in the last hour", total.ChangedLastHour, "ChangedLastHour"));
  const rows = summary.Spaces.map(space => {
    const row = element("tr", { "data-space": space.CustSpaceId, class: space.CustSpaceId === state.space ? "selected" : null },
      element("td", {}, element("a", { href: "#" }, space.CustSpaceId)), element("td", {}, space.Nodes),
      element("td", { class: "count-blocked" }, space.ByStatus.BLOCKED ?? 0), element("td", {}, space.ByStatus.LIMITED ?? 0), element("td", {}, space.ByStatus.AVAILABLE ?? 0),
      element("td", {}, space.ByVerdict.Stop ?? 0), element("td", {}, space.ByVerdict.Hold ?? 0), element("td", {}, space.ChangedLastHour),
      element("td", { class: "calls-second" }, `${space.CallsInLastSecond} / ${space.CallsPerSecond}`), element("td", { class: "parked" }, space.ParkedChecks));
    row.querySelector("a").addEventListener("click", event => { event.preventDefault(); selectSpace(space.CustSpaceId); });
    return row;
  });
  document.querySelector("#spaces tbody").replaceChildren(...rows);
  if (!state.space && summary.Spaces.length > 0) selectSpace(summary.Spaces[0].CustSpaceId, false);
}

function selectSpace(space, refreshNow = true) {
  state.space = space;
  state.pageToken = null;
  state.node = null;
  state.feedSeen.clear();
  state.feedSince = null;
  for (const part of Object.keys(lastDrawn)) delete lastDrawn[part];
  document.getElementById("feed").replaceChildren();
  document.getElementById("timeline").hidden = true;
  if (refreshNow) refresh();
}

// ---- charts ----

function chart(name, title, points, value, limit) {
  const width = 320, height = 70, now = Date.now(), from = now - 60 * 60 * 1000;
  const x = at => ((new Date(at).getTime() - from) / (now - from)) * width;
  const top = Math.max(1, ...points.map(value), ...points.map(limit));
  const y = v => height - (v / top) * (height - 4);
  const line = points.map(p => `${x(p.At).toFixed(1)},${y(value(p)).toFixed(1)}`).join(" ");
  const last = points.length ? points[points.length - 1] : null;
  const figure = element("figure", { class: "chart", "data-chart": name },
    element("figcaption", {}, `${title}: ${last ? value(last) : 0}${last && limit(last) ? " / " + limit(last) : ""}`));
  const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title },
    svg("rect", { x: 0, y: 0, width, height, class: "chart-back" }));
  if (last && limit(last)) picture.append(svg("line", { x1: 0, x2: width, y1: y(limit(last)), y2: y(limit(last)), class: "chart-limit" }));
  if (points.length) picture.append(svg("polyline", { points: line, class: "chart-line" }));
  figure.append(picture);
  return figure;
}

function renderCharts(usage) {
  const points = usage.Points;
  document.getElementById("charts").replaceChildren(
    chart("calls", "Graph calls in a second (peak per 10 s)", points, p => p.CallsPerSecondPeak, p => p.CallsPerSecond),
    chart("waba-hour", "Busiest WABA's calls this hour", points, p => p.WabaCallsThisHour, p => p.WabaCallsPerHour),
    chart("parked", "Parked checks", points, p => p.ParkedChecks, () => 0));
}

// ---- nodes ----

function readinessText(readiness) {
  if (!readiness) return element("span", { class: "muted" }, "not known");
  const cell = element("div", { class: "readiness" });
  for (const [field, label] of [["QualityRating", "Quality"], ["MessagingLimit", "Limit"], ["TemplateStatus", "Template"], ["TemplateQuality", "Template quality"], ["PhoneStatus", "Phone"]]) {
    if (readiness[field]) cell.append(element("div", { "data-field": field }, `${label}: `, element("strong", {}, readiness[field])));
  }
  for (const field of readiness.Unknown || []) cell.append(element("div", { class: "muted" }, `${field}: not known`));
  return cell;
}

function campaignCell(campaign) {
  const cell = element("td", { class: "campaign" });
  if (!campaign) return cell;
  cell.append(verdictBadge(campaign.Verdict));
  for (const reason of campaign.Reasons || []) {
    cell.append(element("div", { class: "reason", "data-reason": reason.Code }, element("strong", {}, `${reason.Code}: `), reason.Text));
  }
  return cell;
}

// Each render replaces what it draws only when the API's answer differs from the last one, so a
// row someone is about to click stays the same element between polls.
const lastDrawn = {};
function unchanged(part, data) {
  const signature = JSON.stringify(data);
  if (lastDrawn[part] === signature) return true;
  lastDrawn[part] = signature;
  return false;
}

function renderNodes(list) {
  if (unchanged("nodes", [list, state.node && state.node.id])) return;
  const rows = list.Nodes.map(node => {
    const row = element("tr", { "data-node": node.NodeId, "data-type": node.NodeType, class: state.node && state.node.id === node.NodeId ? "selected" : null },
      element("td", {}, node.NodeType), element("td", {}, element("a", { href: "#", class: "open-timeline" }, node.NodeId)), element("td", {}, nodeName(node)),
      element("td", { class: "overall" }, badge(node.Snapshot.CanSendMessage)), campaignCell(node.Campaign),
      element("td", {}, readinessText(node.Snapshot.Readiness)),
      element("td", { class: "muted" }, new Date(node.Snapshot.CheckedAt).toLocaleString()), element("td", { class: "version" }, node.Version));
    row.querySelector("a").addEventListener("click", event => {
      event.preventDefault();
      state.node = { type: node.NodeType, id: node.NodeId, name: nodeName(node) };
      document.getElementById("timeline-detail").replaceChildren();
      refreshTimeline();
    });
    return row;
  });
  if (rows.length === 0) rows.push(element("tr", {}, element("td", { colspan: 8, class: "muted" }, "No node matches.")));
  document.querySelector("#nodes tbody").replaceChildren(...rows);
  state.nextToken = list.NextPageToken;
  document.getElementById("next-page").disabled = !list.NextPageToken;
  document.getElementById("first-page").disabled = !state.pageToken;
  document.getElementById("page-info").textContent = `${list.Nodes.length} shown${list.NextPageToken ? ", more on the next page" : ""}`;
}

// Checks of the space that wait (announced, or queued here with POST /v1/checks): when and why.
function renderWaiting(list) {
  if (unchanged("waiting", list)) return;
  document.getElementById("waiting-section").hidden = list.Checks.length === 0;
  document.querySelector("#waiting tbody").replaceChildren(...list.Checks.map(check => element("tr", { "data-check": check.CheckId },
    element("td", { class: "muted" }, check.CheckId), element("td", {}, `${check.NodeType} of WABA ${check.WabaId ?? ""}`),
    element("td", {}, new Date(check.NotBefore).toLocaleString()),
    element("td", { class: "reason" }, `${check.Detail} (${check.Reason})`))));
}

// ---- timeline ----

function changeDetail(change) {
  const detail = element("div", { class: "change-detail", "data-version": change.Version },
    element("div", {}, element("strong", {}, `v${change.Version}`), ` ${new Date(change.CheckedAt).toLocaleString()}: `,
      change.Previous ? badge(change.Previous) : element("span", { class: "muted" }, "(first sight)"), " → ", badge(change.Current)));
  const before = change.PreviousReadiness || {}, now = change.Readiness || {};
  for (const field of Object.keys(now).filter(f => f !== "Unknown" && before[f] !== undefined && before[f] !== now[f])) {
    detail.append(element("div", { class: "readiness-move" }, `${field}: ${before[field] ?? "?"} → ${now[field] ?? "?"}`));
  }
  for (const entity of change.Entities) {
    for (const error of entity.Errors || []) {
      detail.append(element("div", { class: "error" }, element("strong", {}, `${entity.EntityType} ${error.ErrorCode}: `), error.ErrorDescription || "",
        element("div", { class: "possible-solution" }, `Possible solution: ${error.PossibleSolution || "none given"}`)));
    }
    for (const info of entity.AdditionalInfo || []) detail.append(element("div", { class: "info" }, `${entity.EntityType}: ${info}`));
  }
  return detail;
}

function renderTimeline(history) {
  if (unchanged("timeline", [history, state.node])) return;
  const changes = history.Changes;
  const width = 640, height = 26, now = Date.now(), minimum = 14;
  // Time-proportional bands, each at least `minimum` wide, so a change that just happened can be seen and clicked.
  const times = changes.map(c => Date.parse(c.CheckedAt));
  const durations = times.map((t, i) => Math.max(0, (i + 1 < times.length ? times[i + 1] : now) - t));
  const total = Math.max(1, durations.reduce((a, b) => a + b, 0));
  const spare = Math.max(0, width - minimum * changes.length);
  const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "status over time" });
  let x = 0;
  changes.forEach((change, i) => {
    const bandWidth = minimum + (durations[i] / total) * spare;
    const band = svg("rect", { x, y: 0, width: bandWidth, height, class: `band band-${change.Current}`, "data-version": change.Version },
      svg("title", {}, `v${change.Version}: ${change.Current} from ${new Date(change.CheckedAt).toLocaleString()}`));
    band.addEventListener("click", () => document.getElementById("timeline-detail").replaceChildren(changeDetail(change)));
    picture.append(band);
    x += bandWidth;
  });
  document.getElementById("timeline-title").textContent = `${state.node.type} ${state.node.id} ${state.node.name} — ${changes.length} change(s)`;
  document.getElementById("timeline-chart").replaceChildren(picture);
  const detail = document.getElementById("timeline-detail");
  if (!detail.firstChild && changes.length) detail.replaceChildren(changeDetail(changes[changes.length - 1]));
  document.getElementById("timeline").hidden = false;
}

async function refreshTimeline() {
  if (!state.node) return;
  renderTimeline(await api("/v1/nodes/history", { CustSpaceId: state.space, NodeType: state.node.type, NodeId: state.node.id }));
}

// ---- feed ----

function matchesFilters(change) {
  const f = state.filters, search = f.search.trim().toLowerCase(), digits = search.replace(/[^0-9]/g, "");
  if (f.status && change.Current !== f.status) return false;
  if (f.type && change.NodeType !== f.type) return false;
  if (!search) return true;
  return change.NodeId.includes(search) || (change.TemplateCode || "").toLowerCase().includes(search)
    || (digits.length > 0 && (change.PhoneNumber || "").replace(/[^0-9]/g, "").includes(digits));
}

// Each poll asks only for what Meta gave since the newest change seen (a little before, since a
// change can be stored just after a later one; seen ones are dropped), at most a few pages.
async function refreshFeed() {
  const since = state.feedSince || new Date(Date.now() - feedLookBackMilliseconds).toISOString();
  const feed = document.getElementById("feed");
  let token = null, pages = 0, newest = Date.parse(since);
  do {
    const page = await api("/v1/events", { CustSpaceId: state.space, Since: since, PageSize: "200", PageToken: token });
    for (const change of page.Events) {
      newest = Math.max(newest, Date.parse(change.CheckedAt));
      const key = `${change.CustSpaceId}/${change.NodeType}/${change.NodeId}/${change.Version}`;
      if (state.feedSeen.has(key)) continue;
      state.feedSeen.add(key);
      const item = element("li", { "data-node": change.NodeId, "data-version": change.Version, "data-status": change.Current, "data-type": change.NodeType },
        element("div", {}, element("strong", {}, change.CustSpaceId), ` ${change.NodeType} ${change.NodeId} ${change.PhoneNumber || change.TemplateCode || ""}`),
        element("div", {}, change.Previous ? badge(change.Previous) : element("span", { class: "muted" }, "(first sight)"), " → ", badge(change.Current)),
        element("div", { class: "muted" }, `v${change.Version} · ${new Date(change.CheckedAt).toLocaleString()}`));
      item.change = change;
      feed.prepend(item);
    }
    token = page.NextPageToken;
  } while (token && ++pages < 5);
  state.feedSince = new Date(newest - 5000).toISOString();
  while (feed.children.length > 200) feed.lastChild.remove();
  for (const item of feed.children) item.hidden = !matchesFilters(item.change);
}

// ---- the loop ----

async function refresh() {
  const status = document.getElementById("status");
  try {
    renderSummary(await api("/v1/summary"));
    if (state.space) {
      document.getElementById("space").hidden = false;
      document.getElementById("space-name").textContent = state.space;
      const f = state.filters;
      const [usage, waiting, nodes] = await Promise.all([
        api("/v1/tenants/usage", { CustSpaceId: state.space }),
        api("/v1/checks", { CustSpaceId: state.space, State: "Waiting" }),
        api("/v1/nodes", { CustSpaceId: state.space, CanSendMessage: f.status, NodeType: f.type, Search: f.search.trim(), PageSize: pageSize, PageToken: state.pageToken }),
      ]);
      renderCharts(usage);
      renderWaiting(waiting);
      renderNodes(nodes);
      await refreshTimeline();
      await refreshFeed();
    }
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    status.textContent = error.message;
  }
}

function start() {
  if (state.timer) clearInterval(state.timer);
  if (!state.apiKey) {
    document.getElementById("status").textContent = "Enter an API key to see its customer spaces.";
    return;
  }
  refresh();
  state.timer = setInterval(refresh, pollMilliseconds);
}

document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("api-key");
  input.value = state.apiKey;
  document.getElementById("key-form").addEventListener("submit", event => {
    event.preventDefault();
    state.apiKey = input.value.trim();
    sessionStorage.setItem("healthevents-key", state.apiKey);
    selectSpace(null, false);
    start();
  });
  const filtersChanged = () => {
    state.filters = {
      status: document.getElementById("filter-status").value,
      type: document.getElementById("filter-type").value,
      search: document.getElementById("filter-search").value,
    };
    state.pageToken = null;
    refresh();
  };
  let typing = null;
  document.getElementById("filter-status").addEventListener("change", filtersChanged);
  document.getElementById("filter-type").addEventListener("change", filtersChanged);
  document.getElementById("filter-search").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(filtersChanged, 250); });
  document.getElementById("filters").addEventListener("submit", event => { event.preventDefault(); filtersChanged(); });
  document.getElementById("next-page").addEventListener("click", () => { if (state.nextToken) { state.pageToken = state.nextToken; refresh(); } });
  document.getElementById("first-page").addEventListener("click", () => { state.pageToken = null; refresh(); });
  start();
});
