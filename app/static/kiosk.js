// Kiosk: return to the start after a while without a touch; print buttons.
// No other behaviour: every kiosk page works without this script too.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var home = body.getAttribute("data-home") || "/kiosk/";
  var timer = null;

  function goHome() {
    window.location.assign(home);
  }

  function restart() {
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(goHome, seconds * 1000);
  }

  ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
  restart();
})();
