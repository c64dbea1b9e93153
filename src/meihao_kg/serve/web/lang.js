// zh/en toggle shared by the pages: the choice is kept in localStorage.
(function () {
  "use strict";
  var button = document.getElementById("lang");
  function set(lang) {
    document.body.classList.toggle("en", lang === "en");
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    if (button) { button.textContent = lang === "en" ? "中文" : "English"; }
    try { localStorage.setItem("meihao-kg-lang", lang); } catch (e) { /* private mode */ }
    window.mhLang = lang;
  }
  var saved = "zh";
  try { saved = localStorage.getItem("meihao-kg-lang") || "zh"; } catch (e) { /* ignore */ }
  set(saved);
  if (button) {
    button.addEventListener("click", function () { set(window.mhLang === "en" ? "zh" : "en"); });
  }
})();
