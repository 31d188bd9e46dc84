const w = new Worker(new URL("./floor-worker.js", import.meta.url), { type: "module" });
w.onmessage = (ev) => {
  document.getElementById("out").textContent = String(ev.data);
  document.body.dataset.done = "1";
  window.__doneAt = performance.now();
};
