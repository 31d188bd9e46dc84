// The page side of a failed or crashed engine (delivery), for the calculator UI:
//   offerRetry(root, onRetry)  adds a 重试 button (#calc-retry) to #calc-failed; a tap hides the box,
//                              starts a fresh engine (calc-client.js restartCalc) and calls
//                              onRetry(readyPromise). The UI shows the reason in #calc-failed-why.
//   onEngineFatal(handler)     handler(error) when the engine died for good after its start
//                              (calc-client.js gave up restarting it: "calc-fatal" on window).
// calc-client.js is imported only when the button is used: importing it starts the engine.
export function offerRetry(root, onRetry) {
  const box = root.querySelector("#calc-failed");
  if (!box || box.querySelector("#calc-retry")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.id = "calc-retry";
  button.className = "calc-btn";
  button.textContent = "重试";
  button.addEventListener("click", async () => {
    button.remove();
    box.hidden = true;
    delete root.dataset.failed;
    const { restartCalc } = await import("../runtime/calc-client.js");
    onRetry(restartCalc());
  });
  box.append(button);
}

export function onEngineFatal(handler) {
  window.addEventListener("calc-fatal", (ev) => handler(ev.detail));
}
