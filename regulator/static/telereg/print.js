// The e-licence's print button. A file, not an inline handler: the CSP allows scripts
// from our own origin only (regulator/conf.py CONTENT_SECURITY_POLICY).
document.addEventListener("DOMContentLoaded", function () {
  var b = document.getElementById("print-button");
  if (b) { b.hidden = false; b.addEventListener("click", function () { window.print(); }); }
});
