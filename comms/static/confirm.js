// Asks before a button whose action cannot be taken back (data-confirm holds the question).
// On OK the form says it was confirmed (confirmed=yes) and goes ahead; on Cancel nothing is sent.
// Without JavaScript the server asks instead, on the page the form belongs to.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
  if (!button) {
    return;
  }
  if (!window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
    return;
  }
  var field = button.form ? button.form.querySelector("input[name=confirmed]") : null;
  if (field) {
    field.value = "yes";
  }
});
