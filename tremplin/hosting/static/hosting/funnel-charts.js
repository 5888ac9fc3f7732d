// @gouvfr/dsfr-chart 2 draws each chart in a shadow root, which the page's stylesheets do not
// reach (its legend's colour dots had no size): give every chart the page's stylesheets (DSFR
// and the chart's own CSS), already in the browser's cache. Loaded after the chart module, so
// the elements are defined and their shadow roots exist.
const sheets = [...document.querySelectorAll('head link[rel="stylesheet"]')];
for (const chart of document.querySelectorAll("bar-chart")) {
  const root = chart.shadowRoot;
  if (root && !root.querySelector("link[data-page-style]")) {
    for (const sheet of sheets) {
      const link = sheet.cloneNode();
      link.dataset.pageStyle = "";
      root.prepend(link);
    }
  }
}
