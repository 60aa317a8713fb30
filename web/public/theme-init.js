// Applies the saved (or the system's) theme before first paint, so dark-theme users never see a
// white flash. A separate file, not an inline script, so a strict Content-Security-Policy holds.
(function () {
  var theme = null;
  try {
    theme = localStorage.getItem('strata.theme');
  } catch (e) {}
  if (theme !== 'light' && theme !== 'dark') theme = window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.setAttribute('data-theme', theme);
})();
