// The HealthEvents dashboard: reads /v1/tenants, /v1/nodes and /v1/events with the key typed in,
// every few seconds. Every value from the API is put on the page as text, never as markup.
"use strict";

const pollMilliseconds = 2500;
const feedLookBackMilliseconds = 60 * 60 * 1000;
const seenChanges = new Set();
let apiKey = sessionStorage.getItem("healthevents-key") || "";
let timer = null;

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

function badge(status) {
  const known = { AVAILABLE: "available", LIMITED: "limited", BLOCKED: "blocked" }[status] || "other";
  return element("span", { class: `badge badge-${known}`, "data-status": status }, status);
}

async function api(path) {
  const response = await fetch(path, { headers: { "X-Api-Key": apiKey } });
  const body = await response.json();
  if (!body.Success) throw new Error(`${body.Code}: ${body.Message}${body.AccessDeniedDetail && body.AccessDeniedDetail !== "None" ? " " + body.AccessDeniedDetail : ""}`);
  return body.Data;
}

function nodeName(node) {
  if (node.PhoneNumber) return node.PhoneNumber;
  if (node.TemplateCode) return `${node.TemplateCode} (${node.Language || "?"})`;
  return "";
}

function entityDetails(entities) {
  const cell = element("td");
  for (const entity of entities) {
    const line = element("div", { class: "entity" }, `${entity.EntityType} ${entity.Id} `, badge(entity.CanSendMessage));
    cell.append(line);
    for (const error of entity.Errors || []) {
      cell.append(element("div", { class: "error" },
        element("strong", {}, `${error.ErrorCode}: `), error.ErrorDescription || "",
        element("div", { class: "possible-solution" }, `Possible solution: ${error.PossibleSolution || "none given"}`)));
    }
    for (const info of entity.AdditionalInfo || []) {
      cell.append(element("div", { class: "info" }, info));
    }
  }
  return cell;
}

// Readiness fields as the page names them, in the order a campaign sender reads them.
const readinessLabels = [
  ["QualityRating", "Quality"], ["MessagingLimit", "Messaging limit"], ["ThroughputLevel", "Throughput"], ["PhoneStatus", "Phone status"],
  ["NameStatus", "Name"], ["TemplateStatus", "Template"], ["TemplateQuality", "Template quality"], ["TemplateCategory", "Category"],
  ["TemplateRejectedReason", "Rejected reason"], ["AccountReviewStatus", "Account review"], ["BusinessVerificationStatus", "Business verification"],
];

function readinessDetails(readiness) {
  const cell = element("td", { class: "readiness" });
  if (!readiness) return cell.append(element("span", { class: "muted" }, "not known")), cell;
  for (const [field, label] of readinessLabels) {
    if (readiness[field] !== null && readiness[field] !== undefined) {
      cell.append(element("div", { "data-field": field }, `${label}: `, element("strong", {}, readiness[field])));
    }
  }
  for (const field of readiness.Unknown || []) {
    cell.append(element("div", { class: "muted", "data-field": field }, `${field}: not known`));
  }
  return cell;
}

function campaignDetails(campaign) {
  const cell = element("td", { class: "campaign" });
  if (!campaign) return cell;
  const known = { Go: "available", Hold: "limited", Stop: "blocked" }[campaign.Verdict] || "other";
  cell.append(element("span", { class: `badge badge-${known}`, "data-verdict": campaign.Verdict }, campaign.Verdict));
  for (const reason of campaign.Reasons || []) {
    cell.append(element("div", { class: "reason", "data-reason": reason.Code }, element("strong", {}, `${reason.Code}: `), reason.Text));
  }
  return cell;
}

function readinessMoves(change) {
  const now = change.Readiness || {};
  const before = change.PreviousReadiness;
  if (!before) return [];
  return readinessLabels
    .filter(([field]) => (before[field] ?? null) !== (now[field] ?? null))
    .map(([field, label]) => element("div", { class: "readiness-move", "data-field": field }, `${label}: ${before[field] ?? "?"} → ${now[field] ?? "?"}`));
}

function tenantCard(tenant, nodes) {
  const hourly = tenant.Wabas.map(w => `WABA ${w.WabaId}: ${w.CallsThisHour} / ${w.CallsPerHour} this hour`);
  const card = element("article", { class: "tenant", "data-tenant": tenant.CustSpaceId },
    element("h2", {}, tenant.CustSpaceId),
    element("div", { class: "budget" },
      element("span", { class: "calls-second" }, `Graph calls in the last second: ${tenant.CallsInLastSecond} / ${tenant.CallsPerSecond}`),
      ...hourly.map(text => element("span", { class: "calls-hour" }, text)),
      element("span", { class: "parked" }, `Parked checks: ${tenant.ParkedChecks}`)));
  const table = element("table", {},
    element("thead", {}, element("tr", {}, ...["Node", "Id", "Number / template", "Can send", "Campaign", "Readiness", "Entities", "Checked", "Version"].map(h => element("th", {}, h)))));
  const body = element("tbody");
  for (const node of nodes) {
    body.append(element("tr", { "data-node": node.NodeId },
      element("td", {}, node.NodeType),
      element("td", {}, node.NodeId),
      element("td", {}, nodeName(node)),
      element("td", { class: "overall" }, badge(node.Snapshot.CanSendMessage)),
      campaignDetails(node.Campaign),
      readinessDetails(node.Snapshot.Readiness),
      entityDetails(node.Snapshot.Entities),
      element("td", { class: "muted" }, new Date(node.Snapshot.CheckedAt).toLocaleString()),
      element("td", { class: "version" }, node.Version)));
  }
  if (nodes.length === 0) body.append(element("tr", {}, element("td", { colspan: 9, class: "muted" }, "No node checked yet.")));
  table.append(body);
  card.append(table);
  return card;
}

async function refreshFeed(tenants) {
  const since = new Date(Date.now() - feedLookBackMilliseconds).toISOString();
  const feed = document.getElementById("feed");
  for (const tenant of tenants) {
    let token = null;
    do {
      const query = new URLSearchParams({ CustSpaceId: tenant.CustSpaceId, Since: since, PageSize: "200" });
      if (token) query.set("PageToken", token);
      const page = await api(`/v1/events?${query}`);
      for (const change of page.Events) {
        const key = `${change.CustSpaceId}/${change.NodeType}/${change.NodeId}/${change.Version}`;
        if (seenChanges.has(key)) continue;
        seenChanges.add(key);
        feed.prepend(element("li", { "data-node": change.NodeId, "data-version": change.Version },
          element("div", {}, element("strong", {}, change.CustSpaceId), ` ${change.NodeType} ${change.NodeId}`),
          element("div", {}, change.Previous ? badge(change.Previous) : element("span", { class: "muted" }, "(first sight)"), " → ", badge(change.Current)),
          ...readinessMoves(change),
          element("div", { class: "muted" }, `v${change.Version} · ${new Date(change.CheckedAt).toLocaleString()}`)));
      }
      token = page.NextPageToken;
    } while (token);
  }
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const { Tenants: tenants } = await api("/v1/tenants");
    const cards = [];
    for (const tenant of tenants) {
      const { Nodes: nodes } = await api(`/v1/nodes?CustSpaceId=${encodeURIComponent(tenant.CustSpaceId)}`);
      cards.push(tenantCard(tenant, nodes));
    }
    document.getElementById("tenants").replaceChildren(...cards);
    await refreshFeed(tenants);
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    status.textContent = error.message;
  }
}

function start() {
  if (timer) clearInterval(timer);
  if (!apiKey) {
    document.getElementById("status").textContent = "Enter an API key to see its customer spaces.";
    return;
  }
  refresh();
  timer = setInterval(refresh, pollMilliseconds);
}

document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("api-key");
  input.value = apiKey;
  document.getElementById("key-form").addEventListener("submit", event => {
    event.preventDefault();
    apiKey = input.value.trim();
    sessionStorage.setItem("healthevents-key", apiKey);
    seenChanges.clear();
    document.getElementById("feed").replaceChildren();
    start();
  });
  start();
});
