// Course website: an inline formula wider than the text column (a phone) scrolls inside itself
// instead of widening the page. MathJax 3 does not break lines, so mark those after typesetting.
(function () {
  function mark() {
    document.querySelectorAll("mjx-container:not([display='true'])").forEach(function (el) {
      el.classList.remove("flowkit-wide-math");
      var column = el.closest("p, li, td, div");
      if (column && el.getBoundingClientRect().width > column.clientWidth) el.classList.add("flowkit-wide-math");
    });
  }
  function start() {
    if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return;
    MathJax.startup.promise.then(mark);
    var timer = null;
    window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
  }
  window.addEventListener("load", start);
})();
