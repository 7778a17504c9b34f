// Convenience only: the form works without it. Picking a branch of a
// choice shows its fields at once, as the "Show the chosen part" button does.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.type !== "radio" || input.name.indexOf("_c:") !== 0) return;
  var button = input.closest("fieldset").querySelector("button.choose");
  if (button) button.click();
});

// After a refused check, move the focus to the list of what to correct.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("errors");
  if (summary) summary.focus();
});
