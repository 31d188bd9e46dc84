// What the form needs, read from the page: sitegen embeds calc's meta for this region as
// <script type="application/json" id="calc-meta"> ({vocab, region, regions, glossary}).
// Every label (identities, payers, hospital levels and places) comes from there, never from JS.
import { asList, optId, optLabel } from "./calc-dom.js";

export function readMeta(doc = document) {
  const node = doc.getElementById("calc-meta");
  if (!node) throw new Error("no calc-meta");
  const meta = JSON.parse(node.textContent);
  if (!meta || typeof meta !== "object" || !meta.region) throw new Error("bad calc-meta");
  return meta;
}

// [[payer id, label]] in settlement order ("resident" = what the person pays).
export function payers(meta) {
  return asList(meta?.vocab?.payers).map((p) => [optId(p), optLabel(p)]);
}

export function payerLabel(meta, id) {
  return payers(meta).find(([k]) => k === id)?.[1] ?? id;
}

export function identities(meta) {
  return asList(meta.region.identities);
}

export function identityLabel(meta, id) {
  const i = identities(meta).find((x) => optId(x) === id);
  return i ? optLabel(i) : null;
}

// meta.region.levels / places, else the vocab's lists.
export function choices(meta, key) {
  const own = asList(meta.region[key]);
  return own.length ? own : asList(meta.vocab?.[key]);
}

export function yearNote(meta, year) {
  const notes = meta.region.year_notes || {};
  const n = notes[String(year)];
  return typeof n === "string" ? n : "";
}

// Optional stay fields that matter in this region (meta v2 `features`); without it, only 转诊.
export function feature(meta, name) {
  const f = meta.region.features;
  if (!f || typeof f !== "object") return name === "referral";
  return Boolean(f[name]);
}

export function regionName(meta, id) {
  if (id === meta.region.id) return meta.region.name;
  const r = asList(meta.regions).find((x) => optId(x) === String(id));
  return r ? optLabel({ label: r.name ?? r.label ?? r.id }) : null;
}

// The estimate input's fields as calc declares them (calc/fields.py, meta `fields`): where each
// sits ("stay" | "outpatient" | "top"), its kind, default, labels and control id. The form and the
// link builder build their controls from this list, so a new field needs no new JS.
export function fieldsAt(meta, where) {
  const list = asList(meta.fields).filter((f) => f.where === where);
  if (!list.length) throw new Error(`calc-meta declares no ${where} fields`);
  return list;
}

// Is this declared field a control for stay number i in this region?
export function shownFor(meta, f, i) {
  return Boolean(f.form) && (!f.feature || feature(meta, f.feature)) && !(f.later_stays_only && i === 0);
}

// Most stays one input may hold (calc's limit; every form stops there).
export function stayLimit(meta) {
  const n = meta.limits?.stays;
  if (!Number.isInteger(n) || n < 1) throw new Error("calc-meta has no stay limit");
  return n;
}

// A check box's state from a (possibly shared) value: empty = the declared default.
const YES = [true, "true", "是", 1, "1"];
export function flagValue(f, v) {
  return v === undefined || v === null || v === "" ? f.default === true : YES.includes(v);
}
